import { describe, expect, it } from "vitest";
import { UseLiteEmbeddings } from "../../src/models/use-lite.js";
import { dot, normalize } from "../../src/search/vector.js";

describe("USE-lite embeddings (real model from npm, offline)", () => {
  const embeddings = new UseLiteEmbeddings();

  it("gives 512-dim vectors where related sentences are closer than unrelated ones", async () => {
    const [a, b, c] = (
      await embeddings.embedDocuments([
        "I love hiking in the mountains",
        "Mountain trekking is my favourite hobby",
        "The invoice is due on Friday",
      ])
    ).map(normalize);
    expect(a.length).toBe(512);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c) + 0.1);
  });

  it("keeps order across batches", async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `sentence number ${i} about topic ${i % 7}`);
    const all = await embeddings.embedDocuments(texts);
    const single = await embeddings.embedQuery(texts[37]);
    expect(all).toHaveLength(40);
    expect(dot(normalize(all[37]), normalize(single))).toBeGreaterThan(0.999);
  });

  it("says how much of a text its vocabulary reads: English all, Chinese words none", async () => {
    expect(await embeddings.coverage("When did Caroline go to the LGBTQ support group?")).toBe(1);
    expect(await embeddings.coverage("我喜欢在上海喝咖啡")).toBe(0);
    // 喜欢 unknown, jazz and music known.
    expect(await embeddings.coverage("我喜欢 jazz music")).toBeCloseTo(2 / 3);
    expect(await embeddings.coverage("?!")).toBe(1);
  });

  it("gives different Chinese sentences nearly one vector, which is why its say is taken away for them", async () => {
    const [a, b] = (await embeddings.embedDocuments(["我喜欢在上海喝咖啡", "周末和朋友去杭州爬山"])).map(normalize);
    expect(dot(a, b)).toBeGreaterThan(0.99);
  });
});
