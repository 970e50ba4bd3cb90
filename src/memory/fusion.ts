/**
 * Reciprocal rank fusion (Cormack et al. 2009), the same formula Qdrant's `rrf` fusion uses:
 * score = sum over retrievers of 1 / (k + rank). Rank-based, so BM25 and cosine scales never mix.
 * k = 10 rather than the paper's 60: memories are retrieved 10-20 at a time from a few hundred
 * or thousand, so a retriever's first hits must count for more than a match ranked 40th in both
 * lists (LoCoMo dev split: recall@10 rises from k = 60 to 10 in both turn and fact modes and
 * levels off at 5-10; see BENCHMARKS.md).
 */
export const RRF_K = 10;

export interface RankedId {
  id: string;
  denseRank?: number;
  lexicalRank?: number;
  score: number;
}

export function reciprocalRankFusion(dense: string[], lexical: string[], k = RRF_K): RankedId[] {
  const byId = new Map<string, RankedId>();
  const add = (ids: string[], key: "denseRank" | "lexicalRank") => {
    ids.forEach((id, i) => {
      const entry = byId.get(id) ?? { id, score: 0 };
      entry[key] = i + 1;
      entry.score += 1 / (k + i + 1);
      byId.set(id, entry);
    });
  };
  add(dense, "denseRank");
  add(lexical, "lexicalRank");
  return [...byId.values()].sort((a, b) => b.score - a.score);
}
