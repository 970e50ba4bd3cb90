import { describe, expect, it } from "vitest";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { MemoryEngine } from "../../src/memory/engine.js";
import { byScoreThenRecency } from "../../src/memory/recency.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";

const ASKED = "2026-06-01T09:00:00.000Z";

/** One vector for every text: the dense side orders nothing, so the ranking is the lexical one (search/fusion.ts). */
class OneVector implements EmbeddingsInterface {
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map(() => [1, 0, 0, 0]);
  }
  async embedQuery(): Promise<number[]> {
    return [1, 0, 0, 0];
  }
}

function engineAt(now: () => string) {
  return new MemoryEngine({
    store: new InMemoryMemoryStore(),
    embeddings: new OneVector(),
    dims: 4,
    halfLifeDays: 180,
    now: () => new Date(now()),
  });
}

async function state(engine: MemoryEngine, text: string, time: string): Promise<string> {
  const { changes } = await engine.add("", { userId: "u", infer: false, time, facts: [{ text }] });
  return changes[0].memoryId;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("recency orders equals only", () => {
  it("a memory stated months earlier that matches the question better stays above a recent one that matches less", async () => {
    let now = "2026-01-05T10:00:00.000Z";
    const engine = engineAt(() => now);
    const peanuts = await state(engine, "I'm allergic to peanuts.", now);
    now = "2026-05-20T10:00:00.000Z";
    const cats = await state(engine, "Mia is allergic to cats.", now);
    now = ASKED;
    const hits = await engine.search("allergic to peanuts?", { userId: "u", now: ASKED });
    expect(hits.map((h) => h.memory.id)).toEqual([peanuts, cats]);
  });

  it("a memory given to the previous answer does not rise above a more relevant one in the next question", async () => {
    let now = "2026-01-05T10:00:00.000Z";
    const engine = engineAt(() => now);
    const sister = await state(engine, "My sister Ana lives in Toronto.", now);
    const parents = await state(engine, "My parents live in Phoenix, near my sister's old flat.", now);
    now = ASKED;
    // The chat gave "parents" to an answer a minute ago: its decay restarted.
    engine.noteUse([parents], { userId: "u" });
    await settle();
    const hits = await engine.search("where does my sister Ana live?", { userId: "u", now: ASKED });
    expect(hits.map((h) => h.memory.id)).toEqual([sister, parents]);
  });

  it("among hits of equal score the fresher comes first, else the score decides", () => {
    const now = new Date(ASKED);
    const old = { memory: { createdAt: "2026-01-01T00:00:00.000Z", lastUsedAt: null }, score: 0.2 };
    const fresh = { memory: { createdAt: "2026-05-30T00:00:00.000Z", lastUsedAt: null }, score: 0.2 };
    const usedOld = {
      memory: { createdAt: "2026-01-01T00:00:00.000Z", lastUsedAt: "2026-05-31T00:00:00.000Z" },
      score: 0.2,
    };
    const better = { memory: { createdAt: "2025-01-01T00:00:00.000Z", lastUsedAt: null }, score: 0.21 };
    expect([old, fresh, better].sort(byScoreThenRecency(now, 180))).toEqual([better, fresh, old]);
    expect([old, fresh, usedOld].sort(byScoreThenRecency(now, 180))).toEqual([usedOld, fresh, old]);
    // Decay off: equals keep their order.
    expect([old, fresh].sort(byScoreThenRecency(now, 0))).toEqual([old, fresh]);
  });
});
