/**
 * What the engine's tracing costs when it is off (LANGSMITH_TRACING unset): the traced steps'
 * gate against a plain call, against langsmith's `traceable` left to decide by itself, and a
 * search on a SQLite store of 1,000 memories for scale. `npx tsx bench/tracing/overhead.ts`
 */
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { traceable } from "langsmith/traceable";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryEngine } from "../../src/memory/engine.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { traced, tracedSync, tracingEnabled } from "../../src/tracing/traced.js";

if (tracingEnabled()) throw new Error("unset LANGSMITH_TRACING: this measures tracing switched off");

const CALLS = 200_000;
const step = async () => 1;
const outputs = () => ({});

async function perCall(label: string, call: () => unknown): Promise<number> {
  for (let i = 0; i < 10_000; i++) await call();
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await call();
  const ns = Number(process.hrtime.bigint() - start) / CALLS;
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(7)} ns/call`);
  return ns;
}

const plain = await perCall("plain async call", step);
const gated = await perCall("traced() with tracing off", () => traced("step", {}, step, outputs));
await perCall("tracedSync() with tracing off", () => tracedSync("step", {}, () => 1, outputs));
const ungated = traceable(step, { name: "step" });
const library = await perCall("langsmith traceable() with tracing off", () => ungated());

const dir = mkdtempSync(join(tmpdir(), "tracing-bench-"));
const store = new SqliteMemoryStore(join(dir, "memory.db"));
const engine = new MemoryEngine({
  store,
  embeddings: new SyntheticEmbeddings({ vectorSize: 64 }),
  dims: 64,
  halfLifeDays: 0,
});
const words = ["tea", "coffee", "Lisbon", "Berlin", "cello", "piano", "peanuts", "sister", "running", "chess"];
await engine.add("", {
  userId: "u",
  infer: false,
  facts: Array.from({ length: 1000 }, (_, i) => ({
    text: `fact ${i} about ${words[i % 10]} and ${words[(i * 7) % 10]}`,
  })),
});
const searches = 200;
for (let i = 0; i < 20; i++) await engine.search(`${words[i % 10]} ${words[(i * 3) % 10]}`, { userId: "u" });
const start = process.hrtime.bigint();
for (let i = 0; i < searches; i++) await engine.search(`${words[i % 10]} ${words[(i * 3) % 10]}`, { userId: "u" });
const searchNs = Number(process.hrtime.bigint() - start) / searches;
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `${"engine.search, 1,000 memories (SQLite)".padEnd(44)} ${(searchNs / 1e3).toFixed(0).padStart(7)} µs/call`,
);
// A search passes two gates (the search and its rank fusion), three with a time phrase.
console.log(
  `gate cost per search: ${(((gated - plain) * 2) / 1e3).toFixed(2)} µs = ${(((gated - plain) * 2 * 100) / searchNs).toFixed(3)} % of a search; ungated traceable would add ${(((library - plain) * 2) / 1e3).toFixed(2)} µs`,
);
