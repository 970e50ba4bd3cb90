import { describe, expect, it } from "vitest";
import { fusionWeights, orderedShare, weightedRankFusion, type Candidate } from "../../src/search/fusion.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import { tokenize } from "../../src/search/tokenize.js";
import { axis, memory, newUser, DIMS } from "../stores/fixtures.js";

const list = (...pairs: [string, number][]): Candidate[] => pairs.map(([id, score]) => ({ id, score }));
const fuse = (dense: Candidate[], lexical: Candidate[], coverage?: number) =>
  weightedRankFusion(dense, lexical, fusionWeights(dense, lexical, coverage)).map((r) => r.id);

const lexical = list(["c", 7.5], ["a", 5.1], ["e", 2.0], ["b", 1.2]);
const lexicalOrder = lexical.map((c) => c.id);

describe("orderedShare", () => {
  it("counts the candidate pairs a ranker tells apart", () => {
    expect(orderedShare([0.9, 0.5, 0.1], 1e-4)).toBe(1);
    expect(orderedShare([0.4, 0.4, 0.4, 0.4], 1e-4)).toBe(0);
    // One tied pair of six.
    expect(orderedShare([0.9, 0.5, 0.5, 0.1], 1e-4)).toBeCloseTo(5 / 6);
    expect(orderedShare([0.3], 1e-4)).toBe(1);
    expect(orderedShare([], 1e-4)).toBe(1);
  });
});

describe("fusion that cannot lose to its best side", () => {
  it("all-equal similarities give exactly the lexical ranking", () => {
    const dense = list(["e", 0.83], ["d", 0.83], ["b", 0.83], ["a", 0.83], ["f", 0.83]);
    expect(fusionWeights(dense, lexical)).toMatchObject({ dense: 0, lexical: 1, denseOrder: 0 });
    expect(fuse(dense, lexical)).toEqual(lexicalOrder);
  });

  it("near-equal similarities (within float noise) give exactly the lexical ranking", () => {
    const dense = list(["e", 0.830004], ["d", 0.830003], ["b", 0.830002], ["a", 0.830001], ["f", 0.83]);
    expect(fusionWeights(dense, lexical).dense).toBe(0);
    expect(fuse(dense, lexical)).toEqual(lexicalOrder);
  });

  it("a zero query vector (every similarity 0) gives exactly the lexical ranking", () => {
    const dense = list(["b", 0], ["e", 0], ["a", 0], ["d", 0]);
    expect(fuse(dense, lexical)).toEqual(lexicalOrder);
  });

  it("an embedder that cannot read the query gives exactly the lexical ranking, however spread its scores", () => {
    const dense = list(["b", 0.9], ["e", 0.7], ["d", 0.5], ["a", 0.2]);
    expect(fusionWeights(dense, lexical, 0)).toMatchObject({ dense: 0, coverage: 0 });
    expect(fuse(dense, lexical, 0)).toEqual(lexicalOrder);
    // Read in part, the dense side has part of the say.
    expect(fusionWeights(dense, lexical, 0.25).dense).toBe(0.25);
  });

  it("an empty lexical side gives the dense ranking, even a degenerate one", () => {
    const dense = list(["b", 0.9], ["e", 0.7], ["d", 0.5], ["a", 0.2]);
    expect(fuse(dense, [])).toEqual(["b", "e", "d", "a"]);
    const flat = list(["b", 0.5], ["e", 0.5], ["d", 0.5]);
    expect(fuse(flat, [], 0)).toEqual(["b", "e", "d"]);
  });

  it("all-equal lexical scores give exactly the dense ranking", () => {
    const dense = list(["b", 0.9], ["e", 0.7], ["d", 0.5], ["a", 0.2]);
    const flat = list(["a", 3.2], ["c", 3.2], ["e", 3.2], ["f", 3.2]);
    expect(fusionWeights(dense, flat)).toMatchObject({ dense: 1, lexical: 0 });
    expect(fuse(dense, flat)).toEqual(["b", "e", "d", "a"]);
  });

  it("with signal on both sides it is plain reciprocal rank fusion: a hit in both lists wins", () => {
    const dense = list(["b", 0.9], ["a", 0.7], ["d", 0.5]);
    const weights = fusionWeights(dense, lexical);
    expect(weights).toMatchObject({ dense: 1, lexical: 1 });
    const fused = weightedRankFusion(dense, lexical, weights);
    expect(fused[0]).toMatchObject({ id: "a", denseRank: 2, lexicalRank: 2 });
    expect(fused[0].score).toBeCloseTo(2 / 12);
  });

  it("no order on either side counts both alike", () => {
    const dense = list(["a", 0.5], ["b", 0.5]);
    const flat = list(["b", 1], ["c", 1]);
    expect(fusionWeights(dense, flat)).toMatchObject({ dense: 1, lexical: 1 });
  });

  it("a partly tied dense block cannot reorder the lexical ranking inside it", () => {
    // "e" and "a" tie on the dense side: they get the same dense rank, so their lexical order stays.
    const dense = list(["e", 0.6], ["a", 0.6], ["x", 0.1]);
    const fused = weightedRankFusion(dense, lexical, fusionWeights(dense, lexical)).map((r) => r.id);
    expect(fused.indexOf("a")).toBeLessThan(fused.indexOf("e"));
  });
});

describe("the store applies the rule (in-memory backend)", () => {
  it("an embedder giving every text one vector leaves the lexical ranking, and reports the weights", async () => {
    const store = new InMemoryMemoryStore();
    await store.init(DIMS);
    const user = newUser();
    const texts = ["我喜欢在上海喝咖啡", "周末和朋友去杭州喝茶", "咖啡和茶都喜欢", "每天早上跑步"];
    const records = texts.map((t) => memory(user, t));
    await store.put(
      records,
      records.map(() => axis(0)),
    );
    const terms = tokenize("咖啡");
    const lexicalOnly = await store.search({ userId: user, terms, validity: { kind: "current" }, limit: 4 });
    const hybrid = await store.search({
      userId: user,
      terms,
      vector: axis(0),
      validity: { kind: "current" },
      limit: 4,
    });
    expect(hybrid.map((h) => h.record.id)).toEqual(lexicalOnly.map((h) => h.record.id));
    expect(hybrid[0].fusion).toMatchObject({ dense: 0, lexical: 1 });
  });
});

describe("the engine passes the embedder's coverage of the query", () => {
  it("a query the embedder cannot read is ranked as by words alone, and the weights come back", async () => {
    const { MemoryEngine } = await import("../../src/memory/engine.js");
    const store = new InMemoryMemoryStore();
    // Spread but meaningless vectors: they would reorder the lexical ranking if they had a say.
    const noisy = {
      embedDocuments: async (texts: string[]) =>
        texts.map((t) => Array.from({ length: DIMS }, (_, i) => Math.sin(t.length * (i + 1) + t.charCodeAt(0)))),
      embedQuery: async () => [],
    };
    const wordsOnly = {
      embedDocuments: async (texts: string[]) => texts.map(() => [] as number[]),
      embedQuery: async () => [],
    };
    const reader = new MemoryEngine({
      store,
      embeddings: noisy,
      dims: DIMS,
      queryCoverage: async () => 0,
      halfLifeDays: 0,
    });
    const lexicalOnly = new MemoryEngine({ store, embeddings: wordsOnly, dims: DIMS, halfLifeDays: 0 });
    const user = newUser();
    const facts = [
      "我喜欢在上海喝咖啡",
      "周末和朋友去杭州喝茶",
      "咖啡和茶都喜欢，咖啡更多",
      "每天早上跑步",
      "在北京工作",
    ].map((text) => ({ text }));
    await reader.add("", { userId: user, infer: false, facts });
    const query = "我喜欢喝什么咖啡和茶";
    const fused = await reader.search(query, { userId: user, limit: 5 });
    const words = await lexicalOnly.search(query, { userId: user, limit: 5 });
    expect(fused.map((h) => h.memory.text)).toEqual(words.map((h) => h.memory.text));
    // "什么" is in no memory: the lexical side read four of the query's five terms.
    expect(fused[0].fusion).toMatchObject({ dense: 0, lexical: 0.8, coverage: 0, lexicalCoverage: 0.8 });
  });
});

describe("the lexical side counts as much of the query as its candidates hold", () => {
  it("a lexical match on the question's one common word does not outvote a dense side that read it all", () => {
    // 我最近睡眠怎么样: of its terms 最近 / 睡眠 / 怎么 / 样 only "最近" is in any memory (two of them).
    const dense = list(
      ["sleep", 0.91],
      ["a", 0.9],
      ["b", 0.89],
      ["c", 0.88],
      ["d", 0.87],
      ["e", 0.86],
      ["f", 0.85],
      ["tv", 0.84],
      ["guitar", 0.83],
    );
    const recent = list(["tv", 3.1], ["guitar", 2.9]);
    const heard = fusionWeights(dense, recent, 1, 1 / 4);
    expect(heard).toMatchObject({ dense: 1, lexical: 0.25, lexicalCoverage: 0.25 });
    expect(weightedRankFusion(dense, recent, heard).map((r) => r.id)[0]).toBe("sleep");
    // At full weight (as before) the two memories that say "最近" came first.
    expect(
      weightedRankFusion(dense, recent, { dense: 1, lexical: 1 })
        .map((r) => r.id)
        .slice(0, 2),
    ).toEqual(["tv", "guitar"]);
  });

  it("the store reports the share of the query's terms its lexical candidates hold", async () => {
    const store = new InMemoryMemoryStore();
    await store.init(DIMS);
    const user = newUser();
    await store.put(
      [memory(user, "我最近在追《三体》的电视剧", { id: "tv" }), memory(user, "我晚上睡不好", { id: "sleep" })],
      [axis(1), axis(0)],
    );
    const terms = tokenize("我最近睡眠怎么样");
    const [hit] = await store.search({ userId: user, terms, vector: axis(0), validity: { kind: "current" }, limit: 2 });
    expect(terms).toHaveLength(4);
    expect(hit.fusion?.lexicalCoverage).toBe(0.25);
  });
});
