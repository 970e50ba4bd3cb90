import type { StoreHit } from "./store.js";
import type { MemoryRecord } from "./types.js";

const DAY_MS = 86_400_000;
/** Relevance scores closer than this share of the larger one are equal (float noise, not a judgement). */
const RELEVANCE_TIE = 1e-9;

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
  return record.lastUsedAt && Date.parse(record.lastUsedAt) > Date.parse(record.createdAt)
    ? record.lastUsedAt
    : record.createdAt;
}

/**
 * A search hit as the engine orders it: its relevance (fused
 * rankings, period, entities) times the user's feedback weight.
 */
interface RankedMemory {
  memory: Pick<MemoryRecord, "createdAt" | "lastUsedAt">;
  score: number;
}

/**
 * The order of a search's hits: by score (relevance times feedback weight), and among hits of
 * equal score by decay since last use (or since stated), fresher first.
 *
 * Decay orders ties only. As a factor on the score it outweighed relevance: a fused score is a
 * sum of reciprocal ranks, whose neighbours differ by 5-10 %, while memories stated weeks apart
 * (or one just given to an answer, whose decay restarts) differ in decay by as much, so a memory
 * one rank less relevant but more recent, or only recently retrieved, moved above the right one.
 * Equal scores are what decay should decide: the same fact stated twice, memories the rankers
 * cannot tell apart.
 */
export function byScoreThenRecency<T extends RankedMemory>(now: Date, halfLifeDays = 0): (a: T, b: T) => number {
  return (a, b) => {
    if (Math.abs(a.score - b.score) > RELEVANCE_TIE * Math.max(Math.abs(a.score), Math.abs(b.score)))
      return b.score - a.score;
    return (
      recencyWeight(lastTouched(b.memory), now, halfLifeDays) - recencyWeight(lastTouched(a.memory), now, halfLifeDays)
    );
  };
}

/**
 * The same text has the same relevance: two memories of one fact (stated twice, or from two
 * sources) get the better score of the two. The fusion sets them a rank apart only by their place
 * in the lexical list (BM25 ties keep their own ranks), which says nothing about either, so decay
 * (byScoreThenRecency) is what orders them.
 */
export function sameTextSameScore(hits: StoreHit[]): StoreHit[] {
  const best = new Map<string, number>();
  for (const h of hits) best.set(h.record.indexText, Math.max(best.get(h.record.indexText) ?? -Infinity, h.score));
  return hits.map((h) =>
    best.get(h.record.indexText) === h.score ? h : { ...h, score: best.get(h.record.indexText)! },
  );
}
