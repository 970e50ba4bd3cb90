/**
 * LoCoMo retrieval benchmark: memory-chat against BM25, dense retrieval and Mem0, same data, same
 * embedder. Usage (see BENCHMARKS.md):
 *   npm run bench:locomo -- [--input file] [--mode turns|observations] [--k 5,10,20] [--out file.json]
 *                           [--systems memory-chat,bm25,dense,mem0] [--limit-conversations N]
 *                           [--embedding-cache file | --no-embedding-cache]
 */
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadSettings } from "../../src/config/settings.js";
import { defaultEmbeddingCacheFile, parseChoiceList, parseNumberList } from "../lib/args.js";
import { CachedEmbeddings } from "../lib/cached-embeddings.js";
import { createBenchEmbedder } from "../lib/embedder.js";
import { parseLocomo } from "../lib/locomo.js";
import { latencySummary } from "../lib/metrics.js";
import { openEmbeddedStore } from "../lib/stores.js";
import { barChartSvg } from "../lib/svg-chart.js";
import type { LocomoMode } from "./documents.js";
import { formatSummary } from "./report.js";
import { runLocomo, type SystemEntry } from "./runner.js";
import { Bm25System } from "./systems/bm25.js";
import { DenseSystem } from "./systems/dense.js";
import { MemoryChatSystem } from "./systems/memory-chat.js";
import { Mem0System } from "./systems/mem0.js";

const SYSTEMS = ["memory-chat", "bm25", "dense", "mem0"] as const;
const MODES = ["turns", "observations"] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      input: { type: "string", default: "../shared/data/locomo/locomo-dev.json" },
      mode: { type: "string", default: "turns" },
      k: { type: "string", default: "5,10,20" },
      out: { type: "string" },
      systems: { type: "string", default: SYSTEMS.join(",") },
      "limit-conversations": { type: "string" },
      "embedding-cache": { type: "string" },
      "no-embedding-cache": { type: "boolean", default: false },
    },
  });
  const [mode] = parseChoiceList("mode", values.mode!, MODES) as LocomoMode[];
  const ks = parseNumberList("k", values.k!);
  const systemNames = parseChoiceList("systems", values.systems!, SYSTEMS);
  const limit = values["limit-conversations"] ? parseNumberList("limit-conversations", values["limit-conversations"])[0] : undefined;
  const input = resolve(values.input!);
  const out = resolve(values.out ?? `bench/results/locomo-${mode}.json`);

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(input, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read LoCoMo input ${values.input}: ${(error as Error).message}. Pass --input <file> (LoCoMo's locomo10.json format).`);
  }
  const data = parseLocomo(raw);
  const d = data.defects;
  console.log(`dataset ${basename(input)}: ${data.conversations.length} conversations, mode ${mode}, k ${ks.join(",")}`);
  console.log(
    `defects: ${d.multiIdEvidenceStrings} multi-id evidence strings split, ${d.repairedIds} malformed ids repaired, ` +
      `${d.unreadableIds} unreadable ids dropped, ${d.unknownTurnIds} ids naming no turn dropped, ` +
      `${d.questionsWithoutEvidence} questions without valid evidence dropped, ${d.adversarialQuestions} category-5 questions left out; ` +
      `observations: ${d.observationIdsRepaired} ids repaired, ${d.observationIdsDropped} dropped, ${d.observationsWithoutSource} facts without source dropped`,
  );

  const embedder = await createBenchEmbedder();
  const cacheFile = values["no-embedding-cache"] ? undefined : (values["embedding-cache"] ?? defaultEmbeddingCacheFile(embedder.id, embedder.dims));
  let lastReport = 0;
  const embeddings = new CachedEmbeddings(embedder.embeddings, embedder.dims, {
    cacheFile,
    onProgress: (s) => {
      if (s.modelTexts - lastReport < 256) return;
      lastReport = s.modelTexts;
      console.log(`  embedded ${s.modelTexts} texts (${(s.modelTexts / (s.modelMs / 1000)).toFixed(1)} texts/s)`);
    },
  });
  console.log(`embedder ${embedder.id} (${embedder.dims} dims); ${embeddings.stats.loadedFromDisk} vectors from the cache${cacheFile ? "" : " (cache off)"}`);
  const questions = data.conversations.slice(0, limit).flatMap((c) => c.questions.map((q) => q.question));
  const queryMs = await timeSingleQueries(embedder.embeddings, questions.slice(0, 40));

  const settings = loadSettings();
  const entries: SystemEntry[] = [];
  const factories: Record<(typeof SYSTEMS)[number], () => Promise<import("./systems/types.js").RetrievalSystem>> = {
    "memory-chat": async () =>
      new MemoryChatSystem({ store: await openEmbeddedStore(), embeddings, dims: embedder.dims, halfLifeDays: settings.MEMORY_HALF_LIFE_DAYS }),
    bm25: async () => new Bm25System(),
    dense: async () => new DenseSystem(embeddings),
    mem0: () => Mem0System.create(embeddings, embedder.dims),
  };
  for (const name of systemNames) entries.push({ name, create: factories[name] });

  const result = await runLocomo(data, entries, embeddings, { mode, ks, limitConversations: limit, log: (l) => console.log(l) });
  const s = embeddings.stats;
  const report = {
    dataset: basename(input).replace(/\.json$/, ""),
    mode,
    questions: result.questions,
    systems: result.systems,
    k: ks,
    questionsByCategory: result.questionsByCategory,
    conversations: result.conversations,
    defects: data.defects,
    embedder: {
      id: embedder.id,
      dims: embedder.dims,
      queryMs,
      textsEmbeddedThisRun: s.modelTexts,
      textsPerSecBatched: s.modelTexts ? Number((s.modelTexts / (s.modelMs / 1000)).toFixed(1)) : null,
      cacheHits: s.cacheHits,
    },
    tokenizer: "estimateTokens (src/graph/tokens.ts): one token per CJK character plus one per 4 other characters",
    notes: [
      "recall@k: share of a question's valid evidence turn ids among the source ids of the top k results, categories 1-4",
      "searchMs: in-process around the search call, time inside the embedding model subtracted; questions are embedded before searching",
      "contextTokens: tokens of the top-k result texts joined by newlines, against the whole conversation as 'Speaker: text' lines",
    ],
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", node: process.version, platform: process.platform },
    timestamp: new Date().toISOString(),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  const chartFile = out.replace(/\.json$/, "") + ".svg";
  writeFileSync(chartFile, recallChart(report.dataset, mode, result.questions, ks, result.systems, embedder.id));
  console.log(formatSummary(result, ks));
  console.log(`wrote ${out} and ${chartFile}`);
}

/** One question at a time, cache bypassed: what a live search pays for its query vector. */
async function timeSingleQueries(
  embeddings: { embedDocuments(texts: string[]): Promise<number[][]> },
  questions: string[],
): Promise<ReturnType<typeof latencySummary>> {
  if (questions.length === 0) return latencySummary([]);
  await embeddings.embedDocuments([questions[0]]);
  const ms: number[] = [];
  for (const q of questions) {
    const t0 = performance.now();
    await embeddings.embedDocuments([q]);
    ms.push(performance.now() - t0);
  }
  return latencySummary(ms);
}

function recallChart(
  dataset: string,
  mode: string,
  questions: number,
  ks: number[],
  systems: Record<string, unknown>,
  embedderId: string,
): string {
  const series = Object.entries(systems)
    .filter((e): e is [string, { recall: Record<string, number> }] => typeof e[1] === "object" && e[1] !== null && "recall" in e[1])
    .map(([name, r]) => ({ name, values: ks.map((k) => r.recall[String(k)]) }));
  return barChartSvg({
    title: `LoCoMo evidence recall@k (${dataset}, ${mode})`,
    subtitle: `${questions} questions, categories 1-4; embedder ${embedderId}`,
    xLabels: ks.map((k) => `k = ${k}`),
    series,
    yMax: 1,
    yLabel: "evidence recall",
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
