import { Embeddings } from "@langchain/core/embeddings";
import { describe, expect, it } from "vitest";
import { CachedEmbeddings } from "../../bench/lib/cached-embeddings.js";
import { parseLocomo } from "../../bench/lib/locomo.js";
import { runLocomo, type SystemResult } from "../../bench/locomo/runner.js";
import { Bm25System } from "../../bench/locomo/systems/bm25.js";
import { DenseSystem } from "../../bench/locomo/systems/dense.js";
import { Mem0System } from "../../bench/locomo/systems/mem0.js";
import { MemoryChatSystem } from "../../bench/locomo/systems/memory-chat.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";

const DIMS = 64;

/** Bag of hashed words: texts sharing words get similar vectors. Counts its calls. */
class HashingEmbeddings extends Embeddings {
  calls = 0;
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.calls += texts.length;
    return texts.map((t) => {
      const v = new Array(DIMS).fill(0);
      for (const w of t.toLowerCase().match(/[a-z]+/g) ?? []) {
        let h = 0;
        for (const c of w) h = (h * 31 + c.charCodeAt(0)) >>> 0;
        v[h % DIMS] += 1;
      }
      v[0] += 0.01;
      return v;
    });
  }
  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0];
  }
}

const TOPICS = [
  "pottery",
  "marathon",
  "violin",
  "garden",
  "kayak",
  "chess",
  "bakery",
  "museum",
  "camping",
  "guitar",
  "painting",
  "hiking",
];

/** Two conversations of three sessions; each question names one topic said in one turn. */
function syntheticLocomo() {
  return ["conv-a", "conv-b"].map((id, ci) => {
    const conversation: Record<string, unknown> = { speaker_a: "Ana", speaker_b: "Bo" };
    const qa: unknown[] = [];
    const observation: Record<string, unknown> = {};
    for (let s = 1; s <= 3; s++) {
      conversation[`session_${s}_date_time`] = `1:0${s} pm on ${s + 1} May, 2023`;
      const turns = TOPICS.slice((s - 1) * 4, s * 4).map((topic, t) => ({
        speaker: t % 2 ? "Bo" : "Ana",
        dia_id: `D${s}:${t + 1}`,
        text: `I spent the day on ${topic} ${ci ? "again" : "today"} and it was fun.`,
      }));
      conversation[`session_${s}`] = turns;
      observation[`session_${s}_observation`] = {
        Ana: turns.map((t) => [`${t.speaker} enjoys ${t.text.split(" ")[5]}.`, t.dia_id]),
      };
      turns.forEach((t, i) =>
        qa.push({
          question: `Who did ${TOPICS[(s - 1) * 4 + i]}?`,
          answer: t.speaker,
          evidence: [t.dia_id],
          category: (i % 4) + 1,
        }),
      );
    }
    qa.push({ question: "Trick?", adversarial_answer: "no", evidence: ["D1:1"], category: 5 });
    return { sample_id: id, conversation, qa, observation };
  });
}

function makeSystems(embeddings: CachedEmbeddings, withMem0: boolean) {
  const store = new InMemoryMemoryStore();
  return [
    {
      name: "memory-chat",
      create: async () =>
        new MemoryChatSystem({
          store: { store, dispose: () => store.close() },
          embeddings,
          dims: DIMS,
          halfLifeDays: 180,
        }),
    },
    { name: "bm25", create: async () => new Bm25System() },
    { name: "dense", create: async () => new DenseSystem(embeddings) },
    ...(withMem0 ? [{ name: "mem0", create: () => Mem0System.create(embeddings, DIMS) }] : []),
    { name: "broken", create: async () => Promise.reject(new Error("cannot start here")) },
  ];
}

describe("LoCoMo runner (synthetic fixture, fake embedder)", () => {
  it("scores every system on the same questions, in the issue's output shape", async () => {
    const inner = new HashingEmbeddings();
    const embeddings = new CachedEmbeddings(inner, DIMS);
    const lines: string[] = [];
    const result = await runLocomo(parseLocomo(syntheticLocomo()), makeSystems(embeddings, true), embeddings, {
      mode: "turns",
      ks: [1, 5, 10],
      log: (l) => lines.push(l),
    });

    expect(result.questions).toBe(24);
    expect(result.questionsByCategory).toEqual({ 1: 6, 2: 6, 3: 6, 4: 6 });
    expect(result.recallCeiling).toBe(1);
    expect(result.systems.broken).toEqual({ error: "cannot start here" });
    for (const name of ["memory-chat", "bm25", "dense", "mem0"]) {
      const r = result.systems[name] as SystemResult;
      expect(r.questions, name).toBe(24);
      expect(Object.keys(r.recall)).toEqual(["1", "5", "10"]);
      expect(Object.keys(r.byCategory)).toEqual(["1", "2", "3", "4"]);
      expect(r.searchMs.p95).toBeGreaterThanOrEqual(r.searchMs.p50);
      expect(r.contextTokens.mean).toBeGreaterThan(0);
      expect(r.contextTokens.ratio).toBeLessThan(1);
      expect(r.ingest.memories).toBe(24);
      // Each question names a word said in exactly one turn: lexical systems find it.
      expect(r.recall["10"], name).toBeGreaterThanOrEqual(name === "dense" ? 0.5 : 0.9);
    }
    expect((result.systems.bm25 as SystemResult).recall["1"]).toBe(1);
    expect(lines.some((l) => l.startsWith("conversation 2/2 (conv-b)"))).toBe(true);
    // Every distinct text went through the model once, however many systems embedded it.
    expect(inner.calls).toBe(embeddings.stats.modelTexts + 2);
  });

  it("runs in observation mode and honours the conversation limit", async () => {
    const embeddings = new CachedEmbeddings(new HashingEmbeddings(), DIMS);
    const result = await runLocomo(parseLocomo(syntheticLocomo()), makeSystems(embeddings, false), embeddings, {
      mode: "observations",
      ks: [5],
      limitConversations: 1,
    });
    expect(result.conversations).toEqual(["conv-a"]);
    expect(result.questions).toBe(12);
    expect((result.systems.bm25 as SystemResult).recall["5"]).toBe(1);
  });
});
