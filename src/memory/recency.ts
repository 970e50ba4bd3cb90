import type { MemoryRecord } from "./types.js";

const DAY_MS = 86_400_000;
/** Share of the score that recency can take away from a memory unused for long: it fades, never to zero. */
export const RECENCY_SHARE = 0.3;

/**
 * Exponential decay by age: 1 for a memory stated now, 0.5 after one half-life. A half-life of 0
 * (or none) turns recency off. Future dates (clock skew, imported data) count as new.
 */
export function recencyWeight(since: string, now: Date, halfLifeDays = 0): number {
  if (!halfLifeDays) return 1;
  const ageDays = Math.max(0, (now.getTime() - Date.parse(since)) / DAY_MS);
  return Math.pow(0.5, ageDays / halfLifeDays);
}

/** What decay counts from: the memory's last use in an answer, or when it was stated if it was never used since. */
export function lastTouched(record: Pick<MemoryRecord, "createdAt" | "lastUsedAt">): string {
  return record.lastUsedAt && Date.parse(record.lastUsedAt) > Date.parse(record.createdAt) ? record.lastUsedAt : record.createdAt;
}

/**
 * The one factor a search multiplies a memory's relevance by: decay since it was last used (or
 * stated), within RECENCY_SHARE, times the user's feedback weight (memory/feedback.ts).
 */
export function rankingFactor(record: Pick<MemoryRecord, "createdAt" | "lastUsedAt" | "weight">, now: Date, halfLifeDays = 0): number {
  return (1 - RECENCY_SHARE + RECENCY_SHARE * recencyWeight(lastTouched(record), now, halfLifeDays)) * record.weight;
}
