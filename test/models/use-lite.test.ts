import { describe, expect, it } from "vitest";
import { UseLiteEmbeddings } from "../../src/models/use-lite.js";
import { dot, normalize } from "../../src/memory/vector.js";

describe("USE-lite embeddings (real model from npm, offline)", () => {
  const embeddings = new UseLiteEmbeddings();

  it("gives 512-dim vectors where related sentences are closer than unrelated ones", async () => {
    const [a, b, c] = (await embeddings.embedDocuments(["I love hiking in the mountains", "Mountain trekking is my favourite hobby", "The invoice is due on Friday"])).map(normalize);
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
});
