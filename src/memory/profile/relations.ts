import type { EntityStore } from "../entities/store.js";
import { USER_ENTITY } from "../entities/types.js";

/**
 * The memory map's current relations of the user as profile lines: "lives in Lisbon", "works at
 * Acme", "Melanie (sister)". What the deterministic profile knows beyond memory categories.
 */
export async function relationLines(store: EntityStore, userId: string): Promise<string[]> {
  const relations = (await store.relations(userId)).filter((r) => r.fromId === USER_ENTITY || r.toId === USER_ENTITY);
  if (relations.length === 0) return [];
  const names = new Map((await store.entities(userId)).map((e) => [e.id, e.name]));
  return relations.flatMap((r) => {
    if (r.fromId === USER_ENTITY) {
      const to = names.get(r.toId);
      return to ? [`${r.type} ${to}`] : [];
    }
    const from = names.get(r.fromId);
    return from ? [`${from} (${r.type.replace(/ of$/, "")})`] : [];
  });
}
