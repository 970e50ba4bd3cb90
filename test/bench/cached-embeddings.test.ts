import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Embeddings } from "@langchain/core/embeddings";
import { afterEach, describe, expect, it } from "vitest";
import { CachedEmbeddings } from "../../bench/lib/cached-embeddings.js";

class CountingEmbeddings extends Embeddings {
  texts: string[] = [];
  constructor(private readonly queryPrefix = "") {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.texts.push(...texts);
    return texts.map((t) => [t.length, 1, 0.5]);
  }
  async embedQuery(text: string): Promise<number[]> {
    this.texts.push(this.queryPrefix + text);
    return [(this.queryPrefix + text).length, 1, 0.5];
  }
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("CachedEmbeddings", () => {
  it("sends each distinct text to the model once", async () => {
    const inner = new CountingEmbeddings();
    const cached = new CachedEmbeddings(inner, 3, { batchSize: 2 });
    expect(await cached.embedDocuments(["a", "bb", "a", "ccc"])).toEqual([
      [1, 1, 0.5],
      [2, 1, 0.5],
      [1, 1, 0.5],
      [3, 1, 0.5],
    ]);
    await cached.embedDocuments(["bb", "dddd"]);
    expect(inner.texts).toEqual(["a", "bb", "ccc", "dddd"]);
    expect(cached.stats).toMatchObject({ modelTexts: 4, cacheHits: 2 });
  });

  it("shares entries between queries and documents only when the embedder treats them alike", async () => {
    const symmetric = new CountingEmbeddings();
    const a = new CachedEmbeddings(symmetric, 3);
    await a.embedDocuments(["hello"]);
    await a.embedQuery("hello");
    expect(symmetric.texts.filter((t) => t === "hello")).toHaveLength(1);

    const asymmetric = new CountingEmbeddings("query: ");
    const b = new CachedEmbeddings(asymmetric, 3);
    await b.embedDocuments(["hello"]);
    expect(await b.embedQuery("hello")).toEqual([12, 1, 0.5]);
  });

  it("keeps vectors on disk for the next run, without the texts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-cache-test-"));
    dirs.push(dir);
    const cacheFile = join(dir, "cache.bin");
    await new CachedEmbeddings(new CountingEmbeddings(), 3, { cacheFile }).embedDocuments(["secret text", "other"]);
    expect(readFileSync(cacheFile).includes("secret text")).toBe(false);

    const inner = new CountingEmbeddings();
    const next = new CachedEmbeddings(inner, 3, { cacheFile });
    expect(next.stats.loadedFromDisk).toBe(2);
    expect(await next.embedDocuments(["secret text"])).toEqual([[11, 1, 0.5]]);
    expect(inner.texts).toEqual([]);
  });
});
