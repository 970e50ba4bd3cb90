/**
 * What the profile costs the answer path: the time of the profile read (stored summary + the
 * interest trend computed from the user's questions) on a real SQLite file, and the tokens its
 * block adds to the answer prompt. A user with 200 memories and the most questions kept (1,000).
 * `npm run bench:profile`.
 */
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { profileBlock } from "../../src/graph/profile-block.js";
import { estimateTokens } from "../../src/graph/tokens.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { MAX_QUESTIONS_KEPT } from "../../src/memory/profile/profiles.js";
import { questionTopics } from "../../src/memory/profile/topics.js";
import { MEMORY_CATEGORIES } from "../../src/memory/types.js";
import { SqliteEntityStore } from "../../src/stores/sqlite/entities.js";
import { SqliteProfileStore } from "../../src/stores/sqlite/profiles.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";

const dir = mkdtempSync(join(tmpdir(), "bench-profile-"));
const file = join(dir, "memory.db");
const engine = new MemoryEngine({
  store: new SqliteMemoryStore(file),
  entities: new SqliteEntityStore(file),
  profiles: new SqliteProfileStore(file),
  embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
  dims: 16,
});
const subjects = [
  "React hooks",
  "CSS grid",
  "Postgres indexes",
  "SQL joins",
  "API rate limits",
  "Redis caching",
  "Docker images",
  "Kubernetes pods",
  "TypeScript generics",
  "数据库优化",
];
const facts = Array.from({ length: 200 }, (_, i) => ({
  text: `Fact number ${i}: I have worked with ${subjects[i % subjects.length]} for ${i % 9} years.`,
  category: MEMORY_CATEGORIES[i % MEMORY_CATEGORIES.length],
}));
await engine.add("", { userId: "u", infer: false, facts });
const start = Date.parse("2026-01-01T00:00:00Z");
for (let i = 0; i < MAX_QUESTIONS_KEPT; i++) {
  const text = `How do I use ${subjects[Math.floor((i / MAX_QUESTIONS_KEPT) * subjects.length)]} in production, question ${i}?`;
  await engine.profiles!.recordQuestion("u", {
    sourceId: `q${i}`,
    text,
    at: new Date(start + i * 3_600_000 * 4).toISOString(),
    topics: questionTopics(text),
  });
}
await engine.profiles!.refresh("u");
const now = new Date(start + MAX_QUESTIONS_KEPT * 3_600_000 * 4);
const times: number[] = [];
let view = await engine.profiles!.read("u", now);
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  view = await engine.profiles!.read("u", now);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
console.log(
  `profile read (SQLite, 200 memories, ${view.interests.questions} questions): p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms`,
);
for (const budget of [100, 200, 400, 10_000]) {
  const block = profileBlock(view, budget);
  console.log(
    `PROFILE_TOKEN_BUDGET=${budget}: block of ${estimateTokens(block)} tokens, ${block.split("\n").length - 3} lines`,
  );
}
console.log(
  `current interests: ${view.interests.current.map((t) => t.topic).join(", ")}; earlier: ${view.interests.earlier.map((t) => t.topic).join(", ")}`,
);
await engine.close();
rmSync(dir, { recursive: true, force: true });
