/**
 * Chat-sized memories: a few dozen personal facts per user, stated over sessions weeks apart, and
 * questions a user asks about them. memory-chat fused against its own BM25 and dense sides and
 * Mem0, same embedder. Usage (see BENCHMARKS.md, "Chat-sized memories"):
 *   npm run bench:chatmem -- [--embedder use-lite|e5] [--sets en,zh] [--variants memory-chat,no-recency,...]
 *                            [--out bench/results/chatmem-<embedder>.json] [--no-embedding-cache] [--single-probes]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadSettings } from "../../src/config/settings.js";
import { defaultEmbeddingCacheFile, parseChoiceList } from "../lib/args.js";
import { CachedEmbeddings } from "../lib/cached-embeddings.js";
import { createBenchEmbedder, type BenchEmbedder } from "../lib/embedder.js";
import { mean, recallAtK, round } from "../lib/metrics.js";
import { openEmbeddedStore } from "../lib/stores.js";
import type { SessionDocs } from "../locomo/documents.js";
import { Bm25System } from "../locomo/systems/bm25.js";
import { DenseSystem } from "../locomo/systems/dense.js";
import { Mem0System } from "../locomo/systems/mem0.js";
import { MemoryChatSystem, type MemoryChatOptions } from "../locomo/systems/memory-chat.js";
import type { RetrievalSystem } from "../locomo/systems/types.js";

const EMBEDDERS = { "use-lite": "local:use-lite", e5: "local:multilingual-e5-small" } as const;
type EmbedderName = keyof typeof EMBEDDERS;
const SETS = ["en", "zh"] as const;
/** memory-chat with one part of its ranking turned off at a time (the ablation), and the baselines. */
const VARIANTS = [
  "memory-chat",
  "bm25",
  "dense",
  "mem0",
  "no-recency",
  "no-entities",
  "no-period",
  "no-coverage",
  "no-extras",
] as const;
type Variant = (typeof VARIANTS)[number];
const DEFAULT_VARIANTS: Variant[] = ["memory-chat", "bm25", "dense", "mem0"];
const KS = [1, 3, 5];

interface ChatMemory {
  id: string;
  text: string;
  time: string;
}
interface ChatQuestion {
  question: string;
  answers: string[];
}
interface ChatUser {
  id: string;
  memories: ChatMemory[];
  questions: ChatQuestion[];
}
interface ChatSet {
  language: string;
  /** When every question is asked: after the last session. */
  askedAt: string;
  users: ChatUser[];
}

function readCli() {
  const { values } = parseArgs({
    options: {
      embedder: { type: "string", default: "use-lite" },
      sets: { type: "string", default: SETS.join(",") },
      variants: { type: "string", default: DEFAULT_VARIANTS.join(",") },
      out: { type: "string" },
      "no-embedding-cache": { type: "boolean", default: false },
      "single-probes": { type: "boolean", default: false },
    },
  });
  const [embedder] = parseChoiceList("embedder", values.embedder!, Object.keys(EMBEDDERS) as EmbedderName[]);
  return {
    embedder,
    sets: parseChoiceList("sets", values.sets!, SETS),
    variants: parseChoiceList("variants", values.variants!, VARIANTS),
    out: resolve(values.out ?? `bench/results/chatmem-${embedder}.json`),
    cache: !values["no-embedding-cache"],
    asChat: !values["single-probes"],
  };
}

function loadSet(name: string): ChatSet {
  const file = resolve(`bench/chatmem/set-${name}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as ChatSet;
}

/** A user's memories grouped by the time they were stated: one `add` per session, as a chat makes them. */
function sessionsOf(user: ChatUser): SessionDocs[] {
  const byTime = new Map<string, ChatMemory[]>();
  for (const m of user.memories) byTime.set(m.time, [...(byTime.get(m.time) ?? []), m]);
  return [...byTime.entries()]
    .sort(([a], [b]) => Date.parse(a) - Date.parse(b))
    .map(([time, memories], i) => ({
      session: i + 1,
      time,
      docs: memories.map((m) => ({ text: m.text, sourceIds: [m.id], session: i + 1, time })),
    }));
}

function createSystem(
  variant: Variant,
  embeddings: CachedEmbeddings,
  embedder: BenchEmbedder,
  asChat: boolean,
): () => Promise<RetrievalSystem> {
  const settings = loadSettings();
  const base = async (): Promise<MemoryChatOptions> => ({
    store: await openEmbeddedStore(),
    embeddings,
    dims: embedder.dims,
    halfLifeDays: settings.MEMORY_HALF_LIFE_DAYS,
    queryCoverage: embedder.coverage,
    useLimit: asChat ? settings.MEMORY_TOP_K : undefined,
  });
  const engine = (change: Partial<MemoryChatOptions>) => async () =>
    new MemoryChatSystem({ ...(await base()), ...change });
  const factories: Record<Variant, () => Promise<RetrievalSystem>> = {
    "memory-chat": engine({}),
    "no-recency": engine({ halfLifeDays: 0 }),
    "no-entities": engine({ entities: false }),
    "no-period": engine({ timeAware: false }),
    "no-coverage": engine({ queryCoverage: undefined }),
    "no-extras": engine({ halfLifeDays: 0, entities: false, timeAware: false }),
    bm25: async () => new Bm25System(),
    dense: async () => new DenseSystem(embeddings),
    mem0: () => Mem0System.create(embeddings, embedder.dims),
  };
  return factories[variant];
}

interface Miss {
  user: string;
  question: string;
  /** 1-based rank of each answer among the first 10 results; null when it is not among them. */
  ranks: (number | null)[];
}

async function runVariant(set: ChatSet, create: () => Promise<RetrievalSystem>) {
  const recall = new Map(KS.map((k) => [k, [] as number[]]));
  const misses: Miss[] = [];
  for (const user of set.users) {
    // A fresh system per user, as the LoCoMo benchmark does per conversation.
    const system = await create();
    try {
      for (const session of sessionsOf(user)) await system.ingestSession(user.id, session);
      for (const q of user.questions) {
        const hits = await system.search(user.id, q.question, 10, { now: set.askedAt });
        const ranked = hits.map((h) => h.sourceIds);
        for (const k of KS) recall.get(k)!.push(recallAtK(q.answers, ranked, k));
        if (recallAtK(q.answers, ranked, 1) < 1) {
          const ranks = q.answers.map((a) => {
            const i = ranked.findIndex((ids) => ids.includes(a));
            return i < 0 ? null : i + 1;
          });
          misses.push({ user: user.id, question: q.question, ranks });
        }
      }
    } finally {
      await system.close();
    }
  }
  return { recall: Object.fromEntries(KS.map((k) => [`@${k}`, round(mean(recall.get(k)!), 3)])), missesAt1: misses };
}

async function main(): Promise<void> {
  const options = readCli();
  process.env.EMBEDDING_MODEL = EMBEDDERS[options.embedder];
  const embedder = await createBenchEmbedder();
  try {
    const embeddings = new CachedEmbeddings(embedder.embeddings, embedder.dims, {
      cacheFile: options.cache ? defaultEmbeddingCacheFile(embedder.id, embedder.dims) : undefined,
    });
    const results: Record<string, unknown> = {};
    for (const name of options.sets) {
      const set = loadSet(name);
      const questions = set.users.reduce((n, u) => n + u.questions.length, 0);
      const memories = set.users.map((u) => u.memories.length);
      console.log(
        `set ${name}: ${set.users.length} users, ${memories.join(" + ")} memories, ${questions} questions, embedder ${embedder.id}`,
      );
      const bySystem: Record<string, unknown> = {};
      for (const variant of options.variants) {
        const r = await runVariant(set, createSystem(variant, embeddings, embedder, options.asChat));
        bySystem[variant] = r;
        console.log(`  ${variant.padEnd(12)} recall@1/3/5 ${KS.map((k) => r.recall[`@${k}`].toFixed(3)).join(" / ")}`);
      }
      results[name] = { users: set.users.length, memories, questions, systems: bySystem };
    }
    const report = {
      benchmark: "chat-sized memories (bench/chatmem)",
      embedder: { id: embedder.id, dims: embedder.dims },
      k: KS,
      notes: [
        "recall@k: share of a question's answer memories among the first k results, averaged over questions",
        "each user's memories are added session by session with infer: false and their times; questions are asked at askedAt, after the last session, one after another",
        options.asChat
          ? "memory-chat is asked as the chat asks it: the first MEMORY_TOP_K results of each question are the memories its answer is given, and are recorded as used (noteUse) before the next question"
          : "memory-chat: every question is a single probe (--single-probes), nothing is recorded as used",
        "bm25 and dense are memory-chat's own sides (its BM25 index and tokenizer; cosine over the same embeddings); mem0 is mem0ai/oss with the same embeddings",
      ],
      sets: results,
      timestamp: new Date().toISOString(),
    };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, JSON.stringify(report, null, 2) + "\n");
    console.log(`wrote ${options.out}`);
  } finally {
    await embedder.close?.();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
