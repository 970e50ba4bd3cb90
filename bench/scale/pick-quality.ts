/**
 * How close the embedded store's byte-vector pick comes to the exact dense ranking (README,
 * "How the embedded store searches"): the share of the exact top k that the pick's top k keeps,
 * for one user holding every turn of the LoCoMo files (real embeddings, the offline default
 * embedder) and for random unit vectors of the same count and size (the hardest case).
 * and for random vectors alone at larger sizes.
 * npm run bench:pick -- [--input a.json,b.json] [--k 64] [--random 10000,100000] [--out
 * bench/results/pick-quality.json]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { normalize } from "../../src/search/vector.js";
import { CANDIDATE_FACTOR, eligibleWhere, EXACT_SCAN_MAX, UserSnapshot } from "../../src/stores/sqlite/snapshot.js";
import type { MemoryRowWithEmbedding } from "../../src/stores/sqlite/rows.js";
import { defaultEmbeddingCacheFile, parseNumberList } from "../lib/args.js";
import { CachedEmbeddings } from "../lib/cached-embeddings.js";
import { createBenchEmbedder } from "../lib/embedder.js";
import { parseLocomo } from "../lib/locomo.js";
import { randomUnitVector, seededRandom } from "./synthetic.js";

const { values } = parseArgs({
  options: {
    input: {
      type: "string",
      default: "../shared/data/locomo/locomo-dev.json,../shared/data/locomo-zh/locomo-zh-dev.json",
    },
    k: { type: "string", default: "64" },
    random: { type: "string", default: "10000,100000" },
    out: { type: "string", default: "bench/results/pick-quality.json" },
  },
});
const k = parseNumberList("k", values.k!)[0];

function row(seq: number, vector: ArrayLike<number>): MemoryRowWithEmbedding {
  const unit = normalize(vector);
  return {
    seq,
    user_id: "u",
    id: `m${seq}`,
    text: "",
    category: "other",
    about: "user",
    created_at: "2024-01-01T00:00:00.000Z",
    updated_at: "2024-01-01T00:00:00.000Z",
    event_time: null,
    valid_from: "2024-01-01T00:00:00.000Z",
    valid_to: null,
    superseded_by: null,
    thread_id: null,
    source_id: null,
    hash: String(seq),
    metadata: "{}",
    index_text: "",
    embedding: Buffer.from(unit.buffer),
    tokens: "",
  } as MemoryRowWithEmbedding;
}

/** How many memories the pick scores exactly for a user of `size` (stores/sqlite/snapshot.ts). */
const poolOf = (size: number) => (size <= EXACT_SCAN_MAX ? size : CANDIDATE_FACTOR * k);

/**
 * Share of the exact top k the pick keeps, averaged over the queries. A picked memory counts when
 * its exact score reaches the exact k-th best: the offline embedder gives many Chinese turns the
 * same vector (565 distinct among LoCoMo's 2,760), and which of equal scores fills the last
 * places is arbitrary, not a loss.
 */
function agreement(vectors: number[][], queries: number[][], dims: number): number {
  const snap = UserSnapshot.fromRows(
    0,
    vectors.map((v, i) => row(i, v)),
    dims,
  );
  const all = eligibleWhere(snap.size, () => true);
  let kept = 0;
  for (const q of queries) {
    // A k larger than the user's memories / CANDIDATE_FACTOR makes the snapshot scan exactly: the reference.
    const exact = snap.denseRanking(q, Math.ceil(vectors.length / CANDIDATE_FACTOR) + 1, all).slice(0, k);
    const edge = exact[exact.length - 1].score - 1e-6;
    // A copy of the query: the same array would reuse the exact pass's scores.
    kept += snap.denseRanking([...q], k, all).filter((c) => c.score >= edge).length;
  }
  return kept / (queries.length * k);
}

async function main(): Promise<void> {
  const embedder = await createBenchEmbedder();
  const embeddings = new CachedEmbeddings(embedder.embeddings, embedder.dims, {
    cacheFile: defaultEmbeddingCacheFile(embedder.id, embedder.dims),
  });
  const results = [];
  for (const input of values.input!.split(",")) {
    const data = parseLocomo(JSON.parse(readFileSync(resolve(input), "utf8")));
    const turns = data.conversations.flatMap((c) =>
      c.sessions.flatMap((s) => s.turns.map((t) => `${t.speaker}: ${t.text}`)),
    );
    const questions = data.conversations.flatMap((c) => c.questions.map((q) => q.question));
    console.log(
      `${input}: embedding ${turns.length} turns and ${questions.length} questions (cached after the first run)...`,
    );
    const vectors = await embeddings.embedDocuments(turns);
    const queries = await embeddings.embedDocuments(questions);
    const rand = seededRandom(42);
    const randomVectors = vectors.map(() => randomUnitVector(rand, embedder.dims));
    const randomQueries = queries.map(() => randomUnitVector(rand, embedder.dims));
    const result = {
      input,
      memories: turns.length,
      queries: questions.length,
      k,
      pool: poolOf(turns.length),
      realEmbeddings: Math.round(agreement(vectors, queries, embedder.dims) * 1000) / 1000,
      randomVectors: Math.round(agreement(randomVectors, randomQueries, embedder.dims) * 1000) / 1000,
    };
    console.log(
      `  ${result.memories} memories, pool ${result.pool}: the pick keeps ${result.realEmbeddings} of the exact top ${k} (random vectors: ${result.randomVectors})`,
    );
    results.push(result);
  }
  const randomOnly = [];
  for (const size of parseNumberList("random", values.random!)) {
    const rand = seededRandom(size);
    const vectors = Array.from({ length: size }, () => randomUnitVector(rand, embedder.dims));
    const queries = Array.from({ length: 100 }, () => randomUnitVector(rand, embedder.dims));
    const kept = Math.round(agreement(vectors, queries, embedder.dims) * 1000) / 1000;
    console.log(`random vectors, ${size} memories, pool ${poolOf(size)}: the pick keeps ${kept} of the exact top ${k}`);
    randomOnly.push({ memories: size, queries: queries.length, k, pool: poolOf(size), randomVectors: kept });
  }
  const out = resolve(values.out!);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: "pick-quality",
        embedder: embedder.id,
        dims: embedder.dims,
        results,
        randomOnly,
        timestamp: new Date().toISOString(),
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`wrote ${out}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
