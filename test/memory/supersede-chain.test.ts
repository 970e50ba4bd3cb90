import { describe, expect, it } from "vitest";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { MemoryEngine } from "../../src/memory/engine.js";
import { supersedeChain } from "../../src/memory/supersede-chain.js";
import type { MemoryRecord } from "../../src/memory/types.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import { ScriptedChatModel } from "../helpers/scripted-model.js";

/** An engine whose model extracts each turn's one fact and supersedes the current memory with it. */
function movingEngine(cities: string[]) {
  const extract = cities.map((c) =>
    JSON.stringify({ facts: [{ text: `Lives in ${c}`, category: "profile", about: "user", eventTime: null }] }),
  );
  const reconcile = cities
    .slice(1)
    .map((c) => JSON.stringify({ decisions: [{ fact: "A", action: "SUPERSEDE", memory: 0, text: `Lives in ${c}` }] }));
  const model = new ScriptedChatModel((kind) => {
    const next = (kind === "extract" ? extract : reconcile).shift();
    if (next === undefined) throw new Error(`no scripted ${kind} reply left`);
    return next;
  });
  return new MemoryEngine({
    store: new InMemoryMemoryStore(),
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
    chatModel: model,
    halfLifeDays: 0,
  });
}

describe("supersede chain", () => {
  it("shows from the middle version both what it replaced and what replaced it, with validity", async () => {
    const engine = movingEngine(["Lisbon", "Porto", "Berlin"]);
    const ids: string[] = [];
    for (const [i, city] of ["Lisbon", "Porto", "Berlin"].entries()) {
      const { changes } = await engine.add(`I live in ${city} now`, {
        userId: "ana",
        time: `2025-0${i + 1}-01T00:00:00Z`,
      });
      ids.push(changes[0].memoryId);
    }
    const chain = (await engine.supersedeChain(ids[1], { userId: "ana" }))!;
    expect(chain.memory.text).toBe("Lives in Porto");
    expect(chain.replaced.map((m) => [m.text, m.validFrom, m.validTo])).toEqual([
      ["Lives in Lisbon", "2025-01-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z"],
    ]);
    expect(chain.replacedBy.map((m) => [m.text, m.validTo])).toEqual([["Lives in Berlin", null]]);

    const newest = (await engine.supersedeChain(ids[2], { userId: "ana" }))!;
    expect(newest.replaced.map((m) => m.text)).toEqual(["Lives in Lisbon", "Lives in Porto"]);
    expect(newest.replacedBy).toEqual([]);
    const oldest = (await engine.supersedeChain(ids[0], { userId: "ana" }))!;
    expect(oldest.replaced).toEqual([]);
    expect(oldest.replacedBy.map((m) => m.text)).toEqual(["Lives in Porto", "Lives in Berlin"]);
  });

  it("is null for another user's memory, and ends at a successor that was deleted", async () => {
    const engine = movingEngine(["Lisbon", "Porto"]);
    const first = (await engine.add("I live in Lisbon", { userId: "ana" })).changes[0].memoryId;
    const second = (await engine.add("I moved to Porto", { userId: "ana" })).changes[0].memoryId;
    expect(await engine.supersedeChain(first, { userId: "bo" })).toBeNull();
    await engine.delete(second, { userId: "ana" });
    const chain = (await engine.supersedeChain(first, { userId: "ana" }))!;
    expect(chain.memory.supersededBy).toBe(second);
    expect(chain.replacedBy).toEqual([]);
  });

  it("cuts a loop in a hand-edited store at the first repeat", () => {
    const record = (id: string, supersededBy: string | null) => ({ id, supersededBy }) as MemoryRecord;
    const a = record("a", "b");
    const b = record("b", "a");
    const chain = supersedeChain(a, [a, b]);
    expect(chain.replaced.map((m) => m.id)).toEqual(["b"]);
    expect(chain.replacedBy).toEqual([]);
  });
});
