/**
 * LoCoMo retrieval benchmark: memory-chat against BM25, dense retrieval and Mem0, same data, same
 * embedder. Usage (see BENCHMARKS.md):
 *   npm run bench:locomo -- [--input file] [--mode turns|observations] [--k 5,10,20] [--out file.json]
 *                           [--systems memory-chat,bm25,dense,mem0] [--limit-conversations N]
 *                           [--embedding-cache file | --no-embedding-cache]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadSettings } from "../../src/config/settings.js";
import { defaultEmbeddingCacheFile, parseChoiceList, parseNumberList } from "../lib/args.js";
import { CachedEmbeddings } from "../lib/cached-embeddings.js";
import { createBenchEmbedder, type BenchEmbedder } from "../lib/embedder.js";
import { parseLocomo, type DefectCounts, type ParsedLocomo } from "../lib/locomo.js";
import { latencySummary, type LatencySummary } from "../lib/metrics.js";
import { openEmbeddedStore } from "../lib/stores.js";
import { barChartSvg } from "../lib/svg-chart.js";
import type { LocomoMode } from "./documents.js";
import { formatSummary } from "./report.js";
import { runLocomo, type LocomoRunResult, type SystemEntry } from "./runner.js";
import { Bm25System } from "./systems/bm25.js";
import { DenseSystem } from "./systems/dense.js";
import { Mem0System } from "./systems/mem0.js";
import { MemoryChatSystem } from "./systems/memory-chat.js";
import type { RetrievalSystem } from "./systems/types.js";

const SYSTEMS = ["memory-chat", "bm25", "dense", "mem0"] as const;
type SystemName = (typeof SYSTEMS)[number];
const MODES = ["turns", "observations"] as const;

interface CliOptions {
  input: string;
  mode: LocomoMode;
  ks: number[];
  systems: SystemName[];
  limit?: number;
  out: string;
  cacheFile: (embedder: BenchEmbedder) => string | undefined;
  entities: boolean;
}

function readCli(): CliOptions {
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
      "no-entities": { type: "boolean", default: false },
    },
  });
  const [mode] = parseChoiceList("mode", values.mode!, MODES);
  const limit = values["limit-conversations"];
  return {
    input: values.input!,
    mode,
    ks: parseNumberList("k", values.k!),
    systems: parseChoiceList("systems", values.systems!, SYSTEMS),
    limit: limit ? parseNumberList("limit-conversations", limit)[0] : undefined,
    out: resolve(values.out ?? `bench/results/locomo-${mode}.json`),
    entities: !values["no-entities"],
    cacheFile: (e) =>
      values["no-embedding-cache"] ? undefined : (values["embedding-cache"] ?? defaultEmbeddingCacheFile(e.id, e.dims)),
  };
}

function loadDataset(input: string): ParsedLocomo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(input), "utf8"));
  } catch (error) {
    throw new Error(
      `Cannot read LoCoMo input ${input}: ${(error as Error).message}. Pass --input <file> (LoCoMo's locomo10.json format).`,
    );
  }
  return parseLocomo(raw);
}

function describeDefects(d: DefectCounts): string {
  return (
    `defects: ${d.multiIdEvidenceStrings} multi-id evidence strings split, ${d.repairedIds} malformed ids repaired, ` +
    `${d.unreadableIds} unreadable ids dropped, ${d.unknownTurnIds} ids naming no turn dropped, ` +
    `${d.questionsWithoutEvidence} questions without valid evidence dropped, ${d.adversarialQuestions} category-5 questions left out; ` +
    `observations: ${d.observationIdsRepaired} ids repaired, ${d.observationIdsDropped} dropped, ${d.observationsWithoutSource} facts without source dropped`
  );
}

/** The shared embedder, cached, printing progress every 256 texts the model embeds. */
function cachedEmbedder(embedder: BenchEmbedder, cacheFile: string | undefined): CachedEmbeddings {
  let lastReport = 0;
  return new CachedEmbeddings(embedder.embeddings, embedder.dims, {
    cacheFile,
    onProgress: (s) => {
      if (s.modelTexts - lastReport < 256) return;
      lastReport = s.modelTexts;
      console.log(`  embedded ${s.modelTexts} texts (${(s.modelTexts / (s.modelMs / 1000)).toFixed(1)} texts/s)`);
    },
  });
}

function systemEntries(
  names: SystemName[],
  embeddings: CachedEmbeddings,
  embedder: BenchEmbedder,
  withEntities: boolean,
): SystemEntry[] {
  const halfLifeDays = loadSettings().MEMORY_HALF_LIFE_DAYS;
  const { dims, coverage: queryCoverage } = embedder;
  const factories: Record<SystemName, () => Promise<RetrievalSystem>> = {
    "memory-chat": async () =>
      new MemoryChatSystem({
        store: await openEmbeddedStore(),
        embeddings,
        dims,
        halfLifeDays,
        queryCoverage,
        entities: withEntities,
      }),
    bm25: async () => new Bm25System(),
    dense: async () => new DenseSystem(embeddings),
    mem0: () => Mem0System.create(embeddings, dims),
  };
  return names.map((name) => ({ name, create: factories[name] }));
}

/** One question at a time, cache bypassed: what a live search pays for its query vector. */
async function timeSingleQueries(embedder: BenchEmbedder, questions: string[]): Promise<LatencySummary> {
  if (questions.length === 0) return latencySummary([]);
  await embedder.embeddings.embedDocuments([questions[0]]);
  const ms: number[] = [];
  for (const q of questions) {
    const t0 = performance.now();
    await embedder.embeddings.embedDocuments([q]);
    ms.push(performance.now() - t0);
  }
  return latencySummary(ms);
}

function buildReport(
  options: CliOptions,
  data: ParsedLocomo,
  result: LocomoRunResult,
  embedder: BenchEmbedder,
  embeddings: CachedEmbeddings,
  queryMs: LatencySummary,
) {
  const s = embeddings.stats;
  return {
    dataset: basename(options.input).replace(/\.json$/, ""),
    mode: options.mode,
    questions: result.questions,
    systems: result.systems,
    k: options.ks,
    questionsByCategory: result.questionsByCategory,
    recallCeiling: result.recallCeiling,
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
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      node: process.version,
      platform: process.platform,
    },
    timestamp: new Date().toISOString(),
  };
}

function recallChart(report: ReturnType<typeof buildReport>, embedderId: string): string {
  const series = Object.entries(report.systems)
    .filter((e): e is [string, { recall: Record<string, number> } & (typeof e)[1]] => "recall" in e[1])
    .map(([name, r]) => ({ name, values: report.k.map((k) => r.recall[String(k)]) }));
  return barChartSvg({
    title: `LoCoMo evidence recall@k (${report.dataset}, ${report.mode})`,
    subtitle: `${report.questions} questions, categories 1-4; embedder ${embedderId}`,
    xLabels: report.k.map((k) => `k = ${k}`),
    series,
    yMax: 1,
    yLabel: "evidence recall",
  });
}

async function main(): Promise<void> {
  const options = readCli();
  const data = loadDataset(options.input);
  console.log(
    `dataset ${basename(options.input)}: ${data.conversations.length} conversations, mode ${options.mode}, k ${options.ks.join(",")}`,
  );
  console.log(describeDefects(data.defects));

  const embedder = await createBenchEmbedder();
  const cacheFile = options.cacheFile(embedder);
  const embeddings = cachedEmbedder(embedder, cacheFile);
  console.log(
    `embedder ${embedder.id} (${embedder.dims} dims); ${embeddings.stats.loadedFromDisk} vectors from the cache${cacheFile ? "" : " (cache off)"}`,
  );
  const questions = data.conversations.slice(0, options.limit).flatMap((c) => c.questions.map((q) => q.question));
  const queryMs = await timeSingleQueries(embedder, questions.slice(0, 40));

  const result = await runLocomo(
    data,
    systemEntries(options.systems, embeddings, embedder, options.entities),
    embeddings,
    {
      mode: options.mode,
      ks: options.ks,
      limitConversations: options.limit,
      log: (line) => console.log(line),
    },
  );
  const report = buildReport(options, data, result, embedder, embeddings, queryMs);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify(report, null, 2) + "\n");
  const chartFile = options.out.replace(/\.json$/, "") + ".svg";
  writeFileSync(chartFile, recallChart(report, embedder.id));
  console.log(formatSummary(result, options.ks));
  console.log(`wrote ${options.out} and ${chartFile}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
