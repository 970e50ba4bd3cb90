import { describe, expect, it } from "vitest";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { MemoryEngine, MemoryNotFoundError } from "../../src/memory/engine.js";
import { nextWeight, parseFeedbackKind } from "../../src/memory/feedback.js";
import type { MemoryStore } from "../../src/memory/store.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import { InvalidInputError } from "../../src/memory/validation.js";
import type { Logger } from "../../src/logger.js";

const NOW = "2025-06-01T00:00:00.000Z";

function engineAt(now: () => string, options: { halfLifeDays?: number; store?: MemoryStore; logger?: Logger } = {}) {
  const store = options.store ?? new InMemoryMemoryStore();
  const engine = new MemoryEngine({
    store,
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
    halfLifeDays: options.halfLifeDays ?? 0,
    feedback: { step: 1.25, maxWeight: 2 },
    now: () => new Date(now()),
    logger: options.logger,
  });
  return { engine, store };
}

/**
 * Two memories of (nearly) equal relevance to any query: the same text from two sources, stated at
 * the same time; the fusion still sets them a rank apart (about 4 % of the score).
 */
async function twins(engine: MemoryEngine, userId: string, time = NOW) {
  const { changes } = await engine.add("", {
    userId,
    infer: false,
    time,
    facts: [
      { text: "Plays the cello in an orchestra", sourceId: "a" },
      { text: "Plays the cello in an orchestra", sourceId: "b" },
    ],
  });
  return changes.map((c) => c.memoryId) as [string, string];
}

const order = async (engine: MemoryEngine, userId: string, query = "cello orchestra") =>
  (await engine.search(query, { userId, limit: 10 })).map((h) => h.memory.id);

/** Waits for the background use writes (memory/use.ts) by closing nothing: they run after the current I/O. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("feedback", () => {
  it("wrong: the memory is no longer current (search, list, count), includeHistory still shows it, history says WRONG", async () => {
    const { engine } = engineAt(() => NOW);
    const [{ memoryId }] = (await engine.add("", { userId: "u", infer: false, facts: [{ text: "Works at Acme" }] }))
      .changes;
    const marked = await engine.feedback(memoryId, "wrong", { userId: "u" });
    expect(marked.validTo).toBe(NOW);
    expect(await engine.search("Acme", { userId: "u" })).toEqual([]);
    expect(await engine.list({ userId: "u" })).toEqual([]);
    expect(await engine.count({ userId: "u" })).toBe(0);
    expect((await engine.search("Acme", { userId: "u", includeHistory: true })).map((h) => h.memory.id)).toEqual([
      memoryId,
    ]);
    expect((await engine.list({ userId: "u", includeHistory: true })).map((m) => m.id)).toEqual([memoryId]);
    const history = await engine.history(memoryId, { userId: "u" });
    expect(history.map((h) => h.operation)).toEqual(["ADD", "WRONG"]);
    expect(history[1]).toMatchObject({ oldText: "Works at Acme", newText: null, at: NOW });
  });

  it("down ranks a memory below its equal twin, up above it; each is a history line and the text stays", async () => {
    const { engine } = engineAt(() => NOW);
    const [a, b] = await twins(engine, "u");
    const before = await order(engine, "u");
    expect(new Set(before)).toEqual(new Set([a, b]));

    await engine.feedback(before[0], "down", { userId: "u" });
    expect(await order(engine, "u")).toEqual([before[1], before[0]]);

    await engine.feedback(before[0], "up", { userId: "u" });
    await engine.feedback(before[0], "up", { userId: "u" });
    expect(await order(engine, "u")).toEqual([before[0], before[1]]);
    const lines = await engine.history(before[0], { userId: "u" });
    expect(lines.map((h) => h.operation)).toEqual(["ADD", "FEEDBACK_DOWN", "FEEDBACK_UP", "FEEDBACK_UP"]);
    expect(
      lines.slice(1).every((h) => h.oldText === "Plays the cello in an orchestra" && h.newText === h.oldText),
    ).toBe(true);
    expect((await engine.get(before[0], { userId: "u" }))!.weight).toBeCloseTo(1.25);
  });

  it("weights stay within the bounds however often the user says up or down", async () => {
    const { engine } = engineAt(() => NOW);
    const [a] = await twins(engine, "u");
    for (let i = 0; i < 10; i++) await engine.feedback(a, "up", { userId: "u" });
    expect((await engine.get(a, { userId: "u" }))!.weight).toBe(2);
    for (let i = 0; i < 20; i++) await engine.feedback(a, "down", { userId: "u" });
    expect((await engine.get(a, { userId: "u" }))!.weight).toBe(0.5);
    expect(nextWeight(1, "up", { step: 1.25, maxWeight: 2 })).toBe(1.25);
    expect(nextWeight(1, "down", { step: 1.25, maxWeight: 2 })).toBe(0.8);
  });

  it("another user's memory id is not found, and nothing of it changes", async () => {
    const { engine } = engineAt(() => NOW);
    const [a] = await twins(engine, "owner");
    await expect(engine.feedback(a, "wrong", { userId: "intruder" })).rejects.toBeInstanceOf(MemoryNotFoundError);
    expect((await engine.get(a, { userId: "owner" }))!.validTo).toBeNull();
    expect((await engine.history(a, { userId: "owner" })).map((h) => h.operation)).toEqual(["ADD"]);
  });

  it("an unknown kind of feedback is refused with the ones there are", () => {
    expect(() => parseFeedbackKind("meh")).toThrow(InvalidInputError);
    expect(() => parseFeedbackKind("meh")).toThrow(/up, down, wrong/);
  });
});

describe("reinforcement and decay", () => {
  it("noteUse counts each use and its time, in the background", async () => {
    let now = NOW;
    const { engine } = engineAt(() => now);
    const [a, b] = await twins(engine, "u");
    engine.noteUse([a], { userId: "u" });
    // Not written yet: the caller (the answer) never waits for it.
    expect((await engine.get(a, { userId: "u" }))!.useCount).toBe(0);
    await settle();
    now = "2025-06-02T00:00:00.000Z";
    engine.noteUse([a, b, "no-such-id"], { userId: "u" });
    await settle();
    expect(await engine.get(a, { userId: "u" })).toMatchObject({ useCount: 2, lastUsedAt: now });
    expect(await engine.get(b, { userId: "u" })).toMatchObject({ useCount: 1, lastUsedAt: now });
  });

  it("a store that fails to record use fails nothing: the error is logged", async () => {
    const store = new InMemoryMemoryStore();
    store.recordUse = async () => {
      throw new Error("disk full");
    };
    const warnings: string[] = [];
    const logger = {
      warn: (m: string, f?: Record<string, unknown>) => warnings.push(`${m} ${String(f?.error)}`),
      child: () => logger,
    } as unknown as Logger;
    const { engine } = engineAt(() => NOW, { store, logger });
    const [a] = await twins(engine, "u");
    expect(() => engine.noteUse([a], { userId: "u" })).not.toThrow();
    await settle();
    expect(warnings).toEqual(["memory use not recorded disk full"]);
  });

  it("decay: of two equally relevant memories stated a year ago, the one used last week ranks first; the other keeps its score", async () => {
    let now = "2024-06-01T00:00:00.000Z";
    const { engine } = engineAt(() => now, { halfLifeDays: 90 });
    const [a, b] = await twins(engine, "u", now);
    now = "2025-05-25T00:00:00.000Z";
    const [second] = (await order(engine, "u")).slice(1);
    engine.noteUse([second], { userId: "u" });
    await settle();
    now = NOW;
    const hits = await engine.search("cello orchestra", { userId: "u" });
    expect(hits.map((h) => h.memory.id)).toEqual([second, second === a ? b : a]);
    // Decay orders equals only (memory/recency.ts): unused for a year, it keeps its relevance.
    expect(hits[1].score).toBe(hits[0].score);
  });

  it("with decay off (half-life 0) use does not reorder memories", async () => {
    let now = "2024-06-01T00:00:00.000Z";
    const { engine } = engineAt(() => now, { halfLifeDays: 0 });
    await twins(engine, "u", now);
    const before = await order(engine, "u");
    now = NOW;
    engine.noteUse([before[1]], { userId: "u" });
    await settle();
    expect(await order(engine, "u")).toEqual(before);
  });
});
