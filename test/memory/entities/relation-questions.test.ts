import { describe, expect, it } from "vitest";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { MemoryEngine } from "../../../src/memory/engine.js";
import { detectEntities } from "../../../src/memory/entities/detect.js";
import { relationsAskedFor } from "../../../src/memory/entities/relation-questions.js";
import { InMemoryEntityStore } from "../../../src/stores/in-memory/entities.js";
import { InMemoryMemoryStore } from "../../../src/stores/in-memory/memories.js";

/** An embedder that reads no Chinese (as USE-lite): one vector for every text, coverage 0. */
class Unreadable implements EmbeddingsInterface {
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map(() => [1, 0, 0, 0]);
  }
  async embedQuery(): Promise<number[]> {
    return [1, 0, 0, 0];
  }
}

function engine() {
  return new MemoryEngine({
    store: new InMemoryMemoryStore(),
    entities: new InMemoryEntityStore(),
    embeddings: new Unreadable(),
    dims: 4,
    queryCoverage: async () => 0,
    halfLifeDays: 180,
  });
}

async function say(e: MemoryEngine, texts: string[], time: string): Promise<string[]> {
  const { changes } = await e.add("", { userId: "u", infer: false, time, facts: texts.map((text) => ({ text })) });
  return changes.map((c) => c.memoryId);
}

describe("questions about where the user lives or works", () => {
  it("are recognised in English and Chinese; questions about a past or someone else's home are not", () => {
    expect(relationsAskedFor("Where do I live?")).toEqual(["lives in"]);
    expect(relationsAskedFor("where are we living these days")).toEqual(["lives in"]);
    expect(relationsAskedFor("我住在哪里？")).toEqual(["lives in"]);
    expect(relationsAskedFor("我现在住哪儿")).toEqual(["lives in"]);
    expect(relationsAskedFor("Where do I work?")).toEqual(["works at"]);
    expect(relationsAskedFor("我在哪家公司上班？")).toEqual(["works at"]);
    expect(relationsAskedFor("Where did I live before Denver?")).toEqual([]);
    expect(relationsAskedFor("我爸妈住哪儿？")).toEqual([]);
    expect(relationsAskedFor("What am I allergic to?")).toEqual([]);
  });

  it("a time between 我 and the verb still makes a move the user's (我上个月搬到北京了)", () => {
    expect(detectEntities("我上个月搬到北京了。").relations).toContainEqual({
      from: "user",
      type: "lives in",
      to: "北京",
    });
    expect(detectEntities("我们去年年底搬到了成都。").relations).toContainEqual({
      from: "user",
      type: "lives in",
      to: "成都",
    });
    expect(detectEntities("我爸妈上个月搬到了上海。").relations).toEqual([]);
  });

  it("我住在哪里 finds the memory of the latest move, though it shares no word with the question", async () => {
    const e = engine();
    await say(e, ["我住在杭州，离西湖不远。", "我对花生过敏。"], "2026-01-11T12:00:00.000Z");
    await say(e, ["我爸妈住在上海，过年要回去看他们。"], "2026-02-08T12:00:00.000Z");
    const [beijing] = await say(e, ["我上个月搬到北京了。"], "2026-05-24T12:00:00.000Z");
    const hits = await e.search("我住在哪里？", { userId: "u", now: "2026-06-01T09:00:00.000Z" });
    expect(hits[0].memory.id).toBe(beijing);
    // What matched the words still follows.
    expect(hits.map((h) => h.memory.text)).toContain("我住在杭州，离西湖不远。");
  });

  it("a question about a period is not lifted by the relation that holds now", async () => {
    const e = engine();
    await say(e, ["I live in Portland with my wife."], "2026-01-10T12:00:00.000Z");
    const [denver] = await say(e, ["We moved to Denver last month."], "2026-05-23T12:00:00.000Z");
    expect((await e.search("Where do I live?", { userId: "u", now: "2026-06-01T09:00:00.000Z" }))[0].memory.id).toBe(
      denver,
    );
    const inJanuary = await e.search("Where do I live, as of last January?", {
      userId: "u",
      now: "2026-06-01T09:00:00.000Z",
    });
    expect(inJanuary[0].memory.text).toBe("I live in Portland with my wife.");
  });
});
