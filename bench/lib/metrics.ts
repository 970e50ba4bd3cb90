/** Scoring and summary statistics shared by the benchmarks. */

/**
 * Evidence recall@k: the share of the evidence ids found among the source ids of the first k
 * results. Each result may carry several source ids (an observation fact cites several turns).
 */
export function recallAtK(evidence: readonly string[], ranked: readonly (readonly string[])[], k: number): number {
  if (evidence.length === 0) return 0;
  const found = new Set<string>();
  for (const ids of ranked.slice(0, k)) for (const id of ids) found.add(id);
  return evidence.filter((id) => found.has(id)).length / evidence.length;
}

/** The p-th percentile (0-100) with linear interpolation between closest ranks (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Rounds for JSON output: enough digits to compare systems, no float noise. */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  mean: number;
  n: number;
}

export function latencySummary(ms: readonly number[]): LatencySummary {
  return {
    p50: round(percentile(ms, 50), 3),
    p95: round(percentile(ms, 95), 3),
    mean: round(mean(ms), 3),
    n: ms.length,
  };
}
