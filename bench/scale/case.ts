/**
 * One scale-benchmark case in a process of its own (so its memory use is its own):
 *   node --import tsx bench/scale/case.ts <store> <users> <memories> <queries> <seed>
 * Prints one JSON line with the figures.
 */
import { loadSettings } from "../../src/config/settings.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import type { ReadyFact } from "../../src/memory/api.js";
import { latencySummary, round } from "../lib/metrics.js";
import { QueuedEmbeddings } from "../lib/queue-embeddings.js";
import { SCALE_STORES } from "./stores.js";
import { randomUnitVector, seededRandom, syntheticFact, syntheticQuery } from "./synthetic.js";

const DIMS = 512;
const FACTS_PER_ADD = 500;
const WARMUP_QUERIES = 20;
/** Fixed clock: the data's dates are fixed too, so recency weights are the same on every run. */
const NOW = "2026-01-01T00:00:00.000Z";

export interface ScaleCaseResult {
  store: string;
  users: number;
  memories: number;
  ingest: { seconds: number; memoriesPerSec: number };
  searchMs: { p50: number; p95: number; mean: number; n: number };
  /** The first search alone (a warm-up, not in searchMs): it loads the snapshot and makes a large user's byte table. */
  firstSearchMs: number;
  rssMB: number;
  maxRssMB: number;
}

export async function runScaleCase(
  storeName: string,
  users: number,
  memories: number,
  queries: number,
  seed: number,
  dims = DIMS,
): Promise<ScaleCaseResult> {
  const kind = SCALE_STORES.find((s) => s.name === storeName);
  if (!kind) throw new Error(`Unknown store "${storeName}"; known: ${SCALE_STORES.map((s) => s.name).join(", ")}`);
  const opened = await kind.open();
  const embeddings = new QueuedEmbeddings();
  const engine = new MemoryEngine({
    store: opened.store,
    embeddings,
    dims,
    halfLifeDays: loadSettings().MEMORY_HALF_LIFE_DAYS,
  });
  await engine.init();
  const facts = seededRandom(seed);
  const vectors = seededRandom(seed + 1);
  const userId = (u: number) => `scale-user-${u}`;

  let ingestMs = 0;
  let stored = 0;
  for (let u = 0; u < users; u++) {
    const count = Math.floor(memories / users) + (u < memories % users ? 1 : 0);
    for (let start = 0; start < count; start += FACTS_PER_ADD) {
      const batch: ReadyFact[] = [];
      for (let i = start; i < Math.min(count, start + FACTS_PER_ADD); i++) {
        batch.push({ ...syntheticFact(facts), sourceId: `synthetic-${u}-${i}` });
      }
      embeddings.push(batch.map(() => randomUnitVector(vectors, dims)));
      const t0 = performance.now();
      await engine.add("", { userId: userId(u), infer: false, facts: batch, time: NOW });
      ingestMs += performance.now() - t0;
      stored += batch.length;
    }
  }

  const ms: number[] = [];
  let firstSearchMs = 0;
  const pickUser = seededRandom(seed + 2);
  for (let q = 0; q < queries + WARMUP_QUERIES; q++) {
    const text = syntheticQuery(facts);
    embeddings.push([randomUnitVector(vectors, dims)]);
    const u = Math.floor(pickUser() * Math.min(users, memories));
    const t0 = performance.now();
    await engine.search(text, { userId: userId(u), limit: 10, now: NOW });
    if (q === 0) firstSearchMs = performance.now() - t0;
    if (q >= WARMUP_QUERIES) ms.push(performance.now() - t0);
  }
  const rssMB = process.memoryUsage().rss / 2 ** 20;
  await opened.dispose();
  return {
    store: opened.store.name,
    users,
    memories: stored,
    ingest: { seconds: round(ingestMs / 1000, 3), memoriesPerSec: round(stored / (ingestMs / 1000), 1) },
    searchMs: latencySummary(ms),
    firstSearchMs: round(firstSearchMs, 1),
    rssMB: round(rssMB, 1),
    maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
  };
}

if (process.argv[1]?.endsWith("case.ts")) {
  const [store, users, memories, queries, seed] = process.argv.slice(2);
  runScaleCase(store, Number(users), Number(memories), Number(queries), Number(seed))
    .then((r) => console.log(JSON.stringify(r)))
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
