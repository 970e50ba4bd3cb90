/**
 * Extraction benchmark: LoCoMo sessions fed turn by turn through the engine's real `infer: true`
 * path (the configured memory model extracts and reconciles facts), then the LoCoMo questions
 * through engine.search, scored as bench:locomo scores them, beside the `turns` and
 * `observations` modes of the same conversations and sessions.
 *   npm run bench:extract -- [--input file] [--limit-conversations N] [--limit-sessions N]
 *                            [--model provider:model] [--k 5,10,20] [--out file.json]
 * --model defaults to MEMORY_MODEL / CHAT_MODEL / the local memory model, as the product picks it.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadSettings } from "../../src/config/settings.js";
import { createChatModel, extractionStyle, memoryModelSpec } from "../../src/models/chat.js";
import { parseNumberList } from "../lib/args.js";
import { CachedEmbeddings } from "../lib/cached-embeddings.js";
import { createBenchEmbedder } from "../lib/embedder.js";
import { parseLocomo, type ParsedLocomo } from "../lib/locomo.js";
import { latencySummary, round } from "../lib/metrics.js";
import { openEmbeddedStore } from "../lib/stores.js";
import { formatSummary } from "../locomo/report.js";
import { runLocomo, type SystemResult } from "../locomo/runner.js";
import { MemoryChatSystem } from "../locomo/systems/memory-chat.js";
import { ExtractedSystem } from "./extracted-system.js";

const { values } = parseArgs({
  options: {
    input: { type: "string", default: "../shared/data/locomo/locomo-dev.json" },
    "limit-conversations": { type: "string", default: "1" },
    "limit-sessions": { type: "string", default: "2" },
    model: { type: "string" },
    k: { type: "string", default: "5,10,20" },
    out: { type: "string" },
  },
});
const ks = parseNumberList("k", values.k!);
const limitConversations = parseNumberList("limit-conversations", values["limit-conversations"]!)[0];
const limitSessions = parseNumberList("limit-sessions", values["limit-sessions"]!)[0];
const dataset = basename(values.input!).replace(/\.json$/, "");
const out = resolve(values.out ?? `bench/results/extract-${dataset}.json`);

/** The first sessions of the first conversations, with the questions whose evidence lies in them. */
function trimmed(data: ParsedLocomo): ParsedLocomo {
  const conversations = data.conversations.slice(0, limitConversations).map((c) => {
    const sessions = c.sessions.slice(0, limitSessions);
    const ids = new Set(sessions.flatMap((s) => s.turns.map((t) => t.diaId)));
    return {
      ...c,
      sessions,
      observations: c.observations.filter((o) => o.diaIds.every((id) => ids.has(id))),
      questions: c.questions.filter((q) => q.evidence.every((id) => ids.has(id))),
    };
  });
  return { ...data, conversations };
}

const settings = loadSettings(values.model ? { ...process.env, MEMORY_MODEL: values.model } : process.env);
const modelName = memoryModelSpec(settings) ?? "none";
const style = extractionStyle(settings);
const data = trimmed(parseLocomo(JSON.parse(readFileSync(resolve(values.input!), "utf8"))));
const turns = data.conversations.reduce((s, c) => s + c.sessions.reduce((t, x) => t + x.turns.length, 0), 0);
console.log(
  `${dataset}: ${data.conversations.length} conversation(s), ${limitSessions} session(s) each, ${turns} turns, ` +
    `${data.conversations.reduce((s, c) => s + c.questions.length, 0)} questions; memory model ${modelName} (${style} extraction)`,
);

const chatModel = await createChatModel(settings, { role: "memory" });
const embedder = await createBenchEmbedder();
const embeddings = new CachedEmbeddings(embedder.embeddings, embedder.dims, {});
const halfLifeDays = settings.MEMORY_HALF_LIFE_DAYS;
let extracted: ExtractedSystem | undefined;
const log = (line: string) => console.log(line);
const started = performance.now();
const turnsRun = await runLocomo(
  data,
  [
    {
      name: "extracted",
      create: async () =>
        (extracted = new ExtractedSystem({
          store: await openEmbeddedStore(),
          embeddings,
          dims: embedder.dims,
          halfLifeDays,
          chatModel,
          modelName,
          style,
          log,
        })),
    },
    {
      name: "memory-chat",
      create: async () =>
        new MemoryChatSystem({ store: await openEmbeddedStore(), embeddings, dims: embedder.dims, halfLifeDays }),
    },
  ],
  embeddings,
  { mode: "turns", ks, log },
);
const observationsRun = await runLocomo(
  data,
  [
    {
      name: "memory-chat",
      create: async () =>
        new MemoryChatSystem({ store: await openEmbeddedStore(), embeddings, dims: embedder.dims, halfLifeDays }),
    },
  ],
  embeddings,
  { mode: "observations", ks },
);

const stats = extracted!.stats;
const seconds = latencySummary(stats.secondsPerTurn.map((s) => s * 1000));
const tokens = Object.values(stats.tokensStored);
const recallOf = (r: unknown) => (r as SystemResult).recall ?? r;
const report = {
  dataset,
  memoryModel: modelName,
  extractionStyle: style,
  embedder: embedder.id,
  conversations: data.conversations.map((c) => c.id),
  sessionsPerConversation: limitSessions,
  questions: turnsRun.questions,
  k: ks,
  extraction: {
    turns: stats.turns,
    validOutputRate: round(stats.validTurns / Math.max(1, stats.turns), 3),
    factsPerTurn: round(stats.factsStored / Math.max(1, stats.turns), 3),
    secondsPerTurn: {
      p50: round(seconds.p50 / 1000, 2),
      p95: round(seconds.p95 / 1000, 2),
      mean: round(seconds.mean / 1000, 2),
    },
    tokensStoredPerConversation: tokens.length ? Math.round(tokens.reduce((a, b) => a + b, 0) / tokens.length) : 0,
  },
  recall: {
    extracted: recallOf(turnsRun.systems.extracted),
    turns: recallOf(turnsRun.systems["memory-chat"]),
    observations: recallOf(observationsRun.systems["memory-chat"]),
  },
  systems: { turns: turnsRun.systems, observations: observationsRun.systems },
  seconds: round((performance.now() - started) / 1000, 1),
  timestamp: new Date().toISOString(),
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
console.log(formatSummary(turnsRun, ks));
console.log(`observations: ${JSON.stringify(report.recall.observations)}`);
console.log(`extraction: ${JSON.stringify(report.extraction)}`);
console.log(`wrote ${out}`);
process.exit(0);
