import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { Embeddings, type EmbeddingsInterface } from "@langchain/core/embeddings";

export interface EmbeddingStats {
  /** Texts the model actually embedded (cache misses). */
  modelTexts: number;
  /** Milliseconds spent inside the model. */
  modelMs: number;
  cacheHits: number;
  /** Vectors read from the disk cache at start. */
  loadedFromDisk: number;
}

export interface CachedEmbeddingsOptions {
  /** Binary file of earlier runs' vectors (same embedder id only); omit to keep them in memory. */
  cacheFile?: string;
  /** How many texts to send to the model at once. */
  batchSize?: number;
  /** Called after each model batch with the running count of texts embedded. */
  onProgress?: (stats: EmbeddingStats) => void;
}

const HASH_BYTES = 20;

/**
 * Wraps an embedder so each distinct text goes through the model once per run (and, with a cache
 * file, once per machine): every system of a benchmark shares one instance. It also measures the
 * time spent in the model, so searches can be timed with and without embedding.
 */
export class CachedEmbeddings extends Embeddings {
  readonly stats: EmbeddingStats = { modelTexts: 0, modelMs: 0, cacheHits: 0, loadedFromDisk: 0 };
  private readonly vectors = new Map<string, number[]>();
  private symmetric?: Promise<boolean>;

  constructor(
    private readonly inner: EmbeddingsInterface,
    readonly dims: number,
    private readonly options: CachedEmbeddingsOptions = {},
  ) {
    super({});
    if (options.cacheFile) this.load(options.cacheFile);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return this.embedAll(texts, "doc");
  }

  async embedQuery(text: string): Promise<number[]> {
    // Most small embedders (USE among them) embed queries and documents alike; then both share
    // one cache entry. Embedders with query instructions (e5, bge) get their own.
    const kind = (await this.isSymmetric()) ? "doc" : "query";
    return (await this.embedAll([text], kind))[0];
  }

  /** Embeds the texts now (model time is counted here, not in later searches). */
  async warm(texts: string[], kinds: ("doc" | "query")[] = ["doc"]): Promise<void> {
    for (const kind of kinds) {
      if (kind === "query" && (await this.isSymmetric())) continue;
      await this.embedAll(texts, kind);
    }
  }

  private isSymmetric(): Promise<boolean> {
    this.symmetric ??= (async () => {
      const probe = "How are you?";
      const [d] = await this.inner.embedDocuments([probe]);
      const q = await this.inner.embedQuery(probe);
      return d.length === q.length && d.every((v, i) => Math.abs(v - q[i]) < 1e-6);
    })();
    return this.symmetric;
  }

  private async embedAll(texts: string[], kind: "doc" | "query"): Promise<number[][]> {
    const keys = texts.map((t) => key(kind, t));
    const missing = [...new Set(keys.filter((k) => !this.vectors.has(k)))];
    const textOf = new Map(keys.map((k, i) => [k, texts[i]]));
    const batchSize = this.options.batchSize ?? 32;
    for (let i = 0; i < missing.length; i += batchSize) {
      const batch = missing.slice(i, i + batchSize);
      const started = performance.now();
      const inputs = batch.map((k) => textOf.get(k)!);
      const vectors =
        kind === "doc"
          ? await this.inner.embedDocuments(inputs)
          : await Promise.all(inputs.map((t) => this.inner.embedQuery(t)));
      this.stats.modelMs += performance.now() - started;
      this.stats.modelTexts += batch.length;
      batch.forEach((k, j) => this.vectors.set(k, vectors[j]));
      this.save(batch);
      this.options.onProgress?.(this.stats);
    }
    this.stats.cacheHits += keys.length - missing.length;
    return keys.map((k) => this.vectors.get(k)!);
  }

  private load(file: string): void {
    if (!existsSync(file)) return;
    const buf = readFileSync(file);
    const record = HASH_BYTES + this.dims * 4;
    for (let off = 0; off + record <= buf.length; off += record) {
      const k = buf.subarray(off, off + HASH_BYTES).toString("hex");
      const floats = new Float32Array(
        buf.buffer.slice(buf.byteOffset + off + HASH_BYTES, buf.byteOffset + off + record),
      );
      this.vectors.set(k, Array.from(floats));
    }
    this.stats.loadedFromDisk = this.vectors.size;
  }

  private save(keys: string[]): void {
    const file = this.options.cacheFile;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    const record = HASH_BYTES + this.dims * 4;
    const out = Buffer.alloc(record * keys.length);
    keys.forEach((k, i) => {
      const v = this.vectors.get(k)!;
      if (v.length !== this.dims)
        throw new Error(`The embedder returned ${v.length} dimensions, expected ${this.dims}`);
      out.write(k, i * record, "hex");
      Buffer.from(new Float32Array(v).buffer).copy(out, i * record + HASH_BYTES);
    });
    appendFileSync(file, out);
  }
}

/** Only a hash of the text is kept (the cache file holds no dataset text). */
function key(kind: "doc" | "query", text: string): string {
  return createHash("sha1").update(`${kind}\u0000${text}`).digest("hex");
}
