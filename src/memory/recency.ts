const DAY_MS = 86_400_000;

/**
 * Exponential decay by age: 1 for a memory stated now, 0.5 after one half-life. A half-life of 0
 * (or none) turns recency off. Future dates (clock skew, imported data) count as new.
 */
export function recencyWeight(createdAt: string, now: Date, halfLifeDays = 0): number {
  if (!halfLifeDays) return 1;
  const ageDays = Math.max(0, (now.getTime() - Date.parse(createdAt)) / DAY_MS);
  return Math.pow(0.5, ageDays / halfLifeDays);
}
