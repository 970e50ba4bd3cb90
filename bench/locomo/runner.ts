import { estimateTokens } from "../../src/graph/tokens.js";
import type { CachedEmbeddings } from "../lib/cached-embeddings.js";
import type { LocomoConversation, LocomoQuestion, ParsedLocomo } from "../lib/locomo.js";
import { latencySummary, mean, recallAtK, round, type LatencySummary } from "../lib/metrics.js";
import { conversationText, sessionDocs, type LocomoMode, type SessionDocs } from "./documents.js";
import type { RetrievalSystem, RetrievedDoc } from "./systems/types.js";

/** A system to compare, built lazily so one that cannot start (e.g. Mem0 offline) is reported, not fatal. */
export interface SystemEntry {
  name: string;
  create: () => Promise<RetrievalSystem>;
}

export interface LocomoRunOptions {
  mode: LocomoMode;
  ks: number[];
  limitConversations?: number;
  /** Progress lines (conversation i/n, texts embedded, ETA). */
  log?: (line: string) => void;
}

export interface SystemResult {
  description: string;
  questions: number;
  recall: Record<string, number>;
  byCategory: Record<string, Record<string, number>>;
  /** Around the search call, minus time spent inside the embedding model (see embedder.queryMs). */
  searchMs: LatencySummary;
  /** Around the search call, embedding included (query vectors mostly come from the run's cache). */
  searchMsWithEmbedding: LatencySummary;
  contextTokens: { mean: number; k: number; conversationMean: number; ratio: number; byK: Record<string, number> };
  ingest: { memories: number; seconds: number; memoriesPerSec: number; note: string };
  /** Mean number of results returned when the largest k was asked for. */
  meanResults: number;
}

export interface FailedSystem {
  error: string;
}

export interface LocomoRunResult {
  mode: LocomoMode;
  questions: number;
  questionsByCategory: Record<string, number>;
  /** Best recall any system could reach: evidence ids cited by some stored document (1 for turns). */
  recallCeiling: number;
  conversations: string[];
  systems: Record<string, SystemResult | FailedSystem>;
}

interface Tally {
  system: RetrievalSystem;
  recall: Map<number, number[]>;
  byCategory: Map<number, Map<number, number[]>>;
  searchMs: number[];
  searchMsWithEmbedding: number[];
  contextTokens: Map<number, number[]>;
  conversationTokens: number[];
  ingestMs: number;
  ingestModelMs: number;
  memories: number;
  results: number[];
}

function newTally(system: RetrievalSystem, ks: number[]): Tally {
  return {
    system,
    recall: new Map(ks.map((k) => [k, []])),
    byCategory: new Map(),
    searchMs: [],
    searchMsWithEmbedding: [],
    contextTokens: new Map(ks.map((k) => [k, []])),
    conversationTokens: [],
    ingestMs: 0,
    ingestModelMs: 0,
    memories: 0,
    results: [],
  };
}

/**
 * Runs every system over the same conversations: a fresh user per conversation, sessions ingested
 * in order, then every category 1-4 question searched once per system. Each system asks its
 * questions in a block, so one system's garbage (Mem0 parses every stored row per search) is not
 * collected inside another's timings. One embedder instance serves all systems.
 */
export async function runLocomo(
  data: ParsedLocomo,
  entries: SystemEntry[],
  embeddings: CachedEmbeddings,
  options: LocomoRunOptions,
): Promise<LocomoRunResult> {
  const log = options.log ?? (() => {});
  const ks = [...options.ks].sort((a, b) => a - b);
  const conversations = data.conversations.slice(0, options.limitConversations ?? data.conversations.length);
  const failed: Record<string, FailedSystem> = {};
  const tallies: Tally[] = [];
  for (const entry of entries) {
    try {
      tallies.push(newTally(await entry.create(), ks));
    } catch (error) {
      failed[entry.name] = { error: describe(error) };
      log(`${entry.name}: cannot run, left out: ${describe(error)}`);
    }
  }
  const guarded = async (tally: Tally, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      failed[tally.system.name] = { error: describe(error) };
      tallies.splice(tallies.indexOf(tally), 1);
      log(`${tally.system.name}: failed, left out of the rest of the run: ${describe(error)}`);
    }
  };

  const work = conversations.map((c) => workOf(c, options.mode));
  const totalWork = work.reduce((s, w) => s + w, 0);
  let doneWork = 0;
  const started = performance.now();
  const ceiling: number[] = [];

  for (const [ci, conv] of conversations.entries()) {
    const sessions = sessionDocs(conv, options.mode);
    const stored = new Set(sessions.flatMap((s) => s.docs.flatMap((d) => d.sourceIds)));
    for (const q of conv.questions) ceiling.push(q.evidence.filter((id) => stored.has(id)).length / q.evidence.length);
    const user: ConversationRun = {
      userId: `locomo-${conv.id}`,
      conv,
      sessions,
      now: conv.sessions[conv.sessions.length - 1]?.time ?? new Date().toISOString(),
      fullTokens: estimateTokens(conversationText(conv)),
    };
    for (const tally of [...tallies]) await guarded(tally, () => ingest(tally, user, embeddings));
    await embeddings.warm(
      conv.questions.map((q) => q.question),
      ["doc", "query"],
    );
    for (const tally of [...tallies]) await guarded(tally, () => ask(tally, user, embeddings, ks));

    doneWork += work[ci];
    const elapsed = (performance.now() - started) / 1000;
    const eta = (elapsed / doneWork) * (totalWork - doneWork);
    log(
      `conversation ${ci + 1}/${conversations.length} (${conv.id}): ${work[ci] - conv.questions.length} memories, ` +
        `${conv.questions.length} questions; texts embedded ${embeddings.stats.modelTexts} (cache hits ${embeddings.stats.cacheHits}); ` +
        `elapsed ${elapsed.toFixed(0)} s, ETA ${eta.toFixed(0)} s`,
    );
  }

  const systems: Record<string, SystemResult | FailedSystem> = {};
  for (const tally of tallies) systems[tally.system.name] = summarise(tally, ks);
  Object.assign(systems, failed);
  for (const tally of tallies) await tally.system.close();

  const questionsByCategory: Record<string, number> = {};
  for (const q of conversations.flatMap((c) => c.questions)) {
    questionsByCategory[q.category] = (questionsByCategory[q.category] ?? 0) + 1;
  }
  return {
    mode: options.mode,
    questions: conversations.reduce((s, c) => s + c.questions.length, 0),
    questionsByCategory,
    recallCeiling: round(mean(ceiling)),
    conversations: conversations.map((c) => c.id),
    systems,
  };
}

interface ConversationRun {
  userId: string;
  conv: LocomoConversation;
  sessions: SessionDocs[];
  /** When the questions are asked: the last session's date. */
  now: string;
  /** Tokens of the whole conversation, the context a system without memory would need. */
  fullTokens: number;
}

/** Session by session, timing the system's own work (embedding-model time subtracted later). */
async function ingest(tally: Tally, run: ConversationRun, embeddings: CachedEmbeddings): Promise<void> {
  for (const session of run.sessions) {
    const model = embeddings.stats.modelMs;
    const t0 = performance.now();
    await tally.system.ingestSession(run.userId, session);
    tally.ingestMs += performance.now() - t0;
    tally.ingestModelMs += embeddings.stats.modelMs - model;
    tally.memories += session.docs.length;
  }
}

async function ask(tally: Tally, run: ConversationRun, embeddings: CachedEmbeddings, ks: number[]): Promise<void> {
  const maxK = ks[ks.length - 1];
  for (const q of run.conv.questions) {
    const model = embeddings.stats.modelMs;
    const t0 = performance.now();
    const hits = await tally.system.search(run.userId, q.question, maxK, { now: run.now });
    const wall = performance.now() - t0;
    tally.searchMsWithEmbedding.push(wall);
    tally.searchMs.push(wall - (embeddings.stats.modelMs - model));
    tally.results.push(hits.length);
    tally.conversationTokens.push(run.fullTokens);
    score(tally, q, hits, ks);
  }
}

function score(tally: Tally, q: LocomoQuestion, hits: RetrievedDoc[], ks: number[]): void {
  const ranked = hits.map((h) => h.sourceIds);
  let byK = tally.byCategory.get(q.category);
  if (!byK) tally.byCategory.set(q.category, (byK = new Map(ks.map((k) => [k, []]))));
  for (const k of ks) {
    const r = recallAtK(q.evidence, ranked, k);
    tally.recall.get(k)!.push(r);
    byK.get(k)!.push(r);
    tally.contextTokens.get(k)!.push(
      estimateTokens(
        hits
          .slice(0, k)
          .map((h) => h.text)
          .join("\n"),
      ),
    );
  }
}

/** Relative cost of a conversation, for the ETA: documents ingested plus questions asked. */
function workOf(conv: LocomoConversation, mode: LocomoMode): number {
  return sessionDocs(conv, mode).reduce((s, x) => s + x.docs.length, 0) + conv.questions.length;
}

function summarise(t: Tally, ks: number[]): SystemResult {
  const headlineK = ks.includes(10) ? 10 : ks[ks.length - 1];
  const contextMean = mean(t.contextTokens.get(headlineK)!);
  const conversationMean = mean(t.conversationTokens);
  const ingestSeconds = Math.max(1e-9, (t.ingestMs - t.ingestModelMs) / 1000);
  const byCategory: Record<string, Record<string, number>> = {};
  for (const [cat, byK] of [...t.byCategory].sort((a, b) => a[0] - b[0])) {
    byCategory[cat] = Object.fromEntries(ks.map((k) => [String(k), round(mean(byK.get(k)!))]));
  }
  return {
    description: t.system.description,
    questions: t.searchMs.length,
    recall: Object.fromEntries(ks.map((k) => [String(k), round(mean(t.recall.get(k)!))])),
    byCategory,
    searchMs: latencySummary(t.searchMs),
    searchMsWithEmbedding: latencySummary(t.searchMsWithEmbedding),
    contextTokens: {
      mean: round(contextMean, 1),
      k: headlineK,
      conversationMean: round(conversationMean, 1),
      ratio: round(contextMean / conversationMean),
      byK: Object.fromEntries(ks.map((k) => [String(k), round(mean(t.contextTokens.get(k)!), 1)])),
    },
    ingest: {
      memories: t.memories,
      seconds: round(ingestSeconds, 3),
      memoriesPerSec: round(t.memories / ingestSeconds, 1),
      note: "embedding model time excluded (see embedder.textsPerSec)",
    },
    meanResults: round(mean(t.results), 2),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
