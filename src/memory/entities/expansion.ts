import type { StoreHit } from "../../stores/types.js";
import type { EntityIndex } from "./entity-index.js";

/** How many of the first hits lend their entities to the expansion. */
export const SEED_HITS = 3;

/**
 * Entity expansion: the memories that name an entity of the question, or of the first hits, are
 * ranked again among themselves by the same query (`rankAmong`), and that ranking is added to
 * the main one. So a memory about the right person that the main ranking put 30th is lifted by
 * being the best match among that person's memories, and several memories about one person or
 * thing can reach the top together (multi-hop questions).
 *
 * An entity the question names counts fully: the question itself chose it ("What do Melanie's
 * kids like?"). An entity taken from the first hits is a guess, and counts with its
 * specificity, idf = ln(N / n) / ln(N) for an entity named by n of the user's N memories (1 for
 * an entity of one memory, 0 for one named everywhere): an entity every memory names (the user,
 * a transcript's speaker) says nothing about which memory answers, as a word in every document
 * says nothing in BM25. Measured on LoCoMo (BENCHMARKS.md): giving question entities idf too
 * loses most of the gain; a weight of 0.5 or 2 instead of 1 for them changes recall@10 by at most
 * 0.004.
 */
export async function expandByEntities(
  index: EntityIndex,
  userId: string,
  query: string,
  hits: StoreHit[],
  totalMemories: number,
  rankAmong: (memoryIds: string[]) => Promise<StoreHit[]>,
): Promise<StoreHit[]> {
  if (totalMemories < 2) return hits;
  const inQuery = new Set((await index.entitiesIn(userId, query)).map((e) => e.id));
  const seeds = new Set(inQuery);
  const seedHits = hits.slice(0, SEED_HITS).map((h) => h.record.id);
  for (const ids of (await index.linksOf(userId, seedHits)).values()) ids.forEach((id) => seeds.add(id));
  if (seeds.size === 0) return hits;
  const weightOf = new Map<string, number>();
  for (const [entityId, memoryIds] of (await index.memoriesOf(userId, [...seeds]))) {
    const idf = inQuery.has(entityId) ? 1 : Math.log(totalMemories / memoryIds.length) / Math.log(totalMemories);
    for (const id of memoryIds) weightOf.set(id, Math.max(weightOf.get(id) ?? 0, Math.max(0, idf)));
  }
  const among = [...weightOf.keys()].filter((id) => weightOf.get(id)! > 0);
  if (among.length === 0) return hits;
  const extra = await rankAmong(among);
  const byId = new Map(hits.map((h) => [h.record.id, { ...h }]));
  for (const h of extra) {
    const boost = h.score * weightOf.get(h.record.id)!;
    const had = byId.get(h.record.id);
    if (had) had.score += boost;
    else byId.set(h.record.id, { ...h, score: boost });
  }
  return [...byId.values()].sort((a, b) => b.score - a.score);
}
