/**
 * Weighted reciprocal rank fusion of the dense and lexical rankings, with each ranker's weight
 * decided per query from evidence the search has, so the fused ranking cannot be dragged below
 * its best side by a side that carries nothing for this query.
 *
 * score = w_dense / (k + dense rank) + w_lexical / (k + lexical rank) (Cormack et al. 2009, with
 * weights). k = 10 rather than the paper's 60: memories are retrieved 10-20 at a time from a few
 * hundred or thousand, so a ranker's first hits must count for more than a match ranked 40th in
 * both lists (see BENCHMARKS.md).
 *
 * The weights (each in [0, 1]):
 * - dense = coverage × ordered share of the dense candidates' similarities. Coverage is the share
 *   of the query the embedder can read (its vocabulary or declared languages; 1 when unknown): an
 *   English-only embedder gives every Chinese sentence nearly the same vector, so its ranking of
 *   a Chinese query is noise. The ordered share is the share of candidate pairs whose
 *   similarities differ by more than float noise: all-equal similarities (a degenerate embedder,
 *   zero vectors, one vector for every text) order nothing and get no say.
 * - lexical = lexical coverage, or 0 when all its candidates' BM25 scores are equal. Lexical
 *   coverage is the share of the query's terms that some candidate holds: a question whose
 *   telling words no memory uses ("我最近睡眠怎么样" against "我晚上睡不好") is matched on what is
 *   left ("最近", in three other memories), and at full weight that match outvoted a dense side that
 *   read the whole question. BM25 scores are sums of a few per-term amounts, so ties among
 *   matches are normal and say "matched the same terms"; only a list with no order at all carries
 *   nothing (weighting lexical by its ordered share lost 0.015 recall@10 on English LoCoMo turns).
 * A side with no candidates leaves the other side's ranking as it is; when neither side shows
 * any order, both count alike. Equal similarities share a dense rank, so a block of them adds the
 * same amount to each of its members and cannot reorder the lexical ranking inside it.
 */
export const RRF_K = 10;

/** Similarities closer than this are equal: far above float32 rounding, far below any meaningful difference. */
export const DENSE_TIE = 1e-4;
/** BM25 scores within this share of the best score are equal. */
export const LEXICAL_TIE = 1e-4;

export interface Candidate {
  id: string;
  /** The ranker's own score (cosine similarity, BM25); higher is better. */
  score: number;
}

export interface FusionWeights {
  dense: number;
  lexical: number;
  /** Share of the query the embedder can read (1 = all of it). */
  coverage: number;
  /** Ordered share of the dense candidates' similarities (0 = all equal). */
  denseOrder: number;
  /** Ordered share of the lexical candidates' scores. */
  lexicalOrder: number;
  /** Share of the query's terms the lexical candidates hold (1 = all of them). */
  lexicalCoverage: number;
}

export interface RankedId {
  id: string;
  denseRank?: number;
  lexicalRank?: number;
  score: number;
}

/**
 * Share of candidate pairs whose scores differ by more than `tolerance`; 1 when there are fewer
 * than two candidates (nothing to order, nothing contradicted).
 */
export function orderedShare(scores: readonly number[], tolerance: number): number {
  const n = scores.length;
  if (n < 2) return 1;
  const sorted = [...scores].sort((a, b) => b - a);
  let tied = 0;
  for (let i = 0, j = 0; i < n; i++) {
    // Pairs (i, j) with j > i and sorted[i] - sorted[j] <= tolerance: a sliding window.
    if (j < i + 1) j = i + 1;
    while (j < n && sorted[i] - sorted[j] <= tolerance) j++;
    tied += j - i - 1;
  }
  return 1 - tied / ((n * (n - 1)) / 2);
}

/** The weights for one query: see the module comment. */
export function fusionWeights(
  dense: readonly Candidate[],
  lexical: readonly Candidate[],
  coverage = 1,
  lexicalCoverage = 1,
): FusionWeights {
  const cover = clamp01(Number.isFinite(coverage) ? coverage : 1);
  const denseOrder = orderedShare(
    dense.map((c) => c.score),
    DENSE_TIE,
  );
  const best = Math.max(0, ...lexical.map((c) => Math.abs(c.score)));
  const lexicalOrder = orderedShare(
    lexical.map((c) => c.score),
    LEXICAL_TIE * best,
  );
  let wDense = dense.length ? cover * denseOrder : 0;
  const lexicalCover = clamp01(Number.isFinite(lexicalCoverage) ? lexicalCoverage : 1);
  let wLexical = lexical.length && lexicalOrder > 0 ? lexicalCover : 0;
  if (dense.length && !lexical.length) wDense = 1;
  if (lexical.length && !dense.length) wLexical = 1;
  if (dense.length && lexical.length && wDense === 0 && wLexical === 0) wDense = wLexical = 1;
  return {
    dense: round(wDense),
    lexical: round(wLexical),
    coverage: round(cover),
    denseOrder: round(denseOrder),
    lexicalOrder: round(lexicalOrder),
    lexicalCoverage: round(lexicalCover),
  };
}

/**
 * Fuses two candidate lists (best first) with the given weights. A candidate only a zero-weight
 * side found is left out, so a zero weight gives exactly the other side's ranking.
 */
export function weightedRankFusion(
  dense: readonly Candidate[],
  lexical: readonly Candidate[],
  weights: Pick<FusionWeights, "dense" | "lexical">,
  k = RRF_K,
): RankedId[] {
  const byId = new Map<string, RankedId & { densePos: number; lexicalPos: number }>();
  const add = (list: readonly Candidate[], weight: number, side: "dense" | "lexical", tolerance: number) => {
    const ranks = sharedRanks(list, tolerance);
    list.forEach((c, i) => {
      const entry = byId.get(c.id) ?? { id: c.id, score: 0, densePos: Infinity, lexicalPos: Infinity };
      entry[side === "dense" ? "denseRank" : "lexicalRank"] = ranks[i];
      entry[side === "dense" ? "densePos" : "lexicalPos"] = i;
      entry.score += weight / (k + ranks[i]);
      byId.set(c.id, entry);
    });
  };
  add(dense, weights.dense, "dense", DENSE_TIE);
  // Lexical ties keep their own ranks: BM25 ties are normal, and the list's order is the lexical ranking.
  add(lexical, weights.lexical, "lexical", -1);
  // Equal scores keep the order of the side with the larger say.
  const lexicalFirst = weights.lexical >= weights.dense;
  const order = (a: { densePos: number; lexicalPos: number }) =>
    lexicalFirst ? [a.lexicalPos, a.densePos] : [a.densePos, a.lexicalPos];
  return [...byId.values()]
    .filter((e) => e.score > 0)
    .sort((a, b) => {
      if (b.score !== a.score) return b.score - a.score;
      const [a1, a2] = order(a);
      const [b1, b2] = order(b);
      return a1 !== b1 ? a1 - b1 : a2 - b2;
    })
    .map(({ densePos: _d, lexicalPos: _l, ...ranked }) => ranked);
}

/** 1-based ranks where a run of scores within `tolerance` of its first member shares that member's rank. */
function sharedRanks(list: readonly Candidate[], tolerance: number): number[] {
  const ranks: number[] = [];
  let groupStart = 0;
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && list[groupStart].score - list[i].score > tolerance) groupStart = i;
    ranks.push(groupStart + 1);
  }
  return ranks;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round = (x: number) => Math.round(x * 1000) / 1000;
