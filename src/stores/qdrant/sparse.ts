/**
 * The lexical half of hybrid search in Qdrant: a sparse vector per memory, built from the same
 * tokens (search/tokenize.ts) the other stores index. Qdrant stores it under the sparse vector
 * named "lexical" with `modifier: "idf"`, so the server multiplies each term by its inverse
 * document frequency at query time, from statistics over the whole collection. The document side
 * carries BM25's saturated, length-normalised term frequency; the query side weighs each distinct
 * term 1. Score = sum over shared terms of idf × bm25-tf: Okapi BM25, computed by Qdrant.
 */
import { termFrequencies } from "../../search/tokenize.js";

interface SparseVector {
  indices: number[];
  values: number[];
}

/** BM25 parameters, the same as search/bm25.ts. */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
/**
 * BM25 normalises length by the corpus average, which a stateless writer cannot know; a fixed
 * typical length stands in. A memory's index text (fact + category + spelled-out date) runs
 * about 12-20 tokens; 16 keeps short facts from being over-rewarded.
 */
export const ASSUMED_AVERAGE_LENGTH = 16;

/**
 * A token's dimension: 32-bit FNV-1a of its UTF-8 bytes. Stable across processes and versions
 * (never change it: stored vectors would stop matching queries). Two tokens sharing a dimension
 * (about one pair in 4 billion) only blur their scores a little.
 */
export function termIndex(token: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(token, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function toSparse(weights: Map<number, number>): SparseVector {
  const entries = [...weights].sort((a, b) => a[0] - b[0]);
  return { indices: entries.map(([i]) => i), values: entries.map(([, w]) => w) };
}

/** Sparse vector of a stored memory's tokens. */
export function documentSparseVector(tokens: string[]): SparseVector {
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * tokens.length) / ASSUMED_AVERAGE_LENGTH);
  const weights = new Map<number, number>();
  for (const [term, tf] of termFrequencies(tokens)) {
    const index = termIndex(term);
    weights.set(index, (weights.get(index) ?? 0) + (tf * (BM25_K1 + 1)) / (tf + norm));
  }
  return toSparse(weights);
}

/** Sparse vector of a query: each distinct term once, as BM25 counts query terms. */
export function querySparseVector(terms: string[]): SparseVector {
  const weights = new Map<number, number>();
  for (const term of new Set(terms)) {
    const index = termIndex(term);
    weights.set(index, (weights.get(index) ?? 0) + 1);
  }
  return toSparse(weights);
}
