import type { StoreHit } from "../store.js";
import type { EntityIndex } from "./entity-index.js";

/**
 * Entity expansion: the memories that name an entity of the question are ranked again among
 * themselves by the same query (`rankAmong`), and that ranking is added to the main one. So a
 * memory about the right person that the main ranking put 30th is lifted by being the best match
 * among that person's memories, and several memories about one person or thing can reach the top
 * together (multi-hop questions: "What do Melanie's kids like?").
 *
 * Entities of the first hits are not used: on LoCoMo they added nothing (BENCHMARKS.md), and for
 * a user with few memories they lifted a memory the query does not match at all, only because it
 * was the one memory of an entity some hit named. A weight of 0.5 or 2 instead of 1 for the
 * added ranking moved recall@10 by at most 0.004, so none is fitted.
 */
export async function expandByEntities(
  index: EntityIndex,
  userId: string,
  query: string,
  hits: StoreHit[],
  rankAmong: (memoryIds: string[]) => Promise<StoreHit[]>,
): Promise<StoreHit[]> {
  const entityIds = (await index.entitiesIn(userId, query)).map((e) => e.id);
  if (entityIds.length === 0) return hits;
  const among = [...new Set([...(await index.memoriesOf(userId, entityIds)).values()].flat())];
  if (among.length === 0) return hits;
  const extra = await rankAmong(among);
  const byId = new Map(hits.map((h) => [h.record.id, { ...h }]));
  for (const h of extra) {
    const had = byId.get(h.record.id);
    if (had) had.score += h.score;
    else byId.set(h.record.id, h);
  }
  return [...byId.values()].sort((a, b) => b.score - a.score);
}
