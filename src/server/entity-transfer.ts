import { randomUUID } from "node:crypto";
import type { MemoryEngine } from "../memory/engine.js";
import { entityKey } from "../memory/entities/names.js";
import { USER_ENTITY, type EntityMention, type EntityRecord } from "../memory/entities/types.js";
import type { ImportDocument } from "./schemas.js";

export interface ExportedEntities {
  byMemory: Record<string, EntityMention[]>;
  relations: { from: string; type: string; to: string; validFrom: string; validTo: string | null }[];
}

/**
 * The memory map of an export, by name: each memory's entities (so an import re-creates them
 * without detecting them again) and every relation with its span in time. Undefined for an
 * engine without an entity store.
 */
export async function exportedEntities(
  engine: MemoryEngine,
  userId: string,
  memoryIds: string[],
): Promise<ExportedEntities | undefined> {
  const index = engine.entities;
  if (!index) return undefined;
  const entities = new Map((await index.store.entities(userId)).map((e) => [e.id, e]));
  const links = await index.linksOf(userId, memoryIds);
  const byMemory: ExportedEntities["byMemory"] = {};
  for (const [memoryId, ids] of links) {
    byMemory[memoryId] = ids.flatMap((id) => {
      const e = entities.get(id);
      return e ? [mentionOf(e)] : [];
    });
  }
  const name = (id: string) => (id === USER_ENTITY ? USER_ENTITY : (entities.get(id)?.name ?? id));
  const relations = (await index.store.relations(userId, { includeHistory: true })).map((r) => ({
    from: name(r.fromId),
    type: r.type,
    to: name(r.toId),
    validFrom: r.validFrom,
    validTo: r.validTo,
  }));
  return { byMemory, relations };
}

/** Re-creates exported relations between the entities the import made (names the import never made are skipped). */
export async function importRelations(
  engine: MemoryEngine,
  userId: string,
  relations: NonNullable<ImportDocument["relations"]>,
): Promise<void> {
  const index = engine.entities;
  if (!index) return;
  const byKey = new Map<string, EntityRecord>();
  for (const e of await index.store.entities(userId))
    for (const key of [entityKey(e.name), ...e.aliases]) byKey.set(key, e);
  const idOf = (name: string) => (name === USER_ENTITY ? USER_ENTITY : byKey.get(entityKey(name))?.id);
  const existing = await index.store.relations(userId, { includeHistory: true });
  const fresh = relations.flatMap((r) => {
    const fromId = idOf(r.from);
    const toId = idOf(r.to);
    if (!fromId || !toId) return [];
    if (
      existing.some((x) => x.fromId === fromId && x.toId === toId && x.type === r.type && x.validFrom === r.validFrom)
    )
      return [];
    return [
      {
        id: randomUUID(),
        userId,
        fromId,
        type: r.type,
        toId,
        memoryId: null,
        validFrom: r.validFrom,
        validTo: r.validTo,
        supersededBy: null,
      },
    ];
  });
  if (fresh.length) await index.store.putRelations(fresh);
}

/** A role entity ("my sister") is exported as its role, so the import resolves it the same way. */
function mentionOf(e: EntityRecord): EntityMention {
  const role = e.aliases.find((a) => a.startsWith("role:"));
  const [, owner, roleName] = role?.split(":") ?? [];
  const onlyRole = e.aliases.every((a) => a.startsWith("role:"));
  if (onlyRole && roleName)
    return { name: roleName, kind: e.kind, role: roleName, ...(owner !== "user" ? { of: owner } : {}) };
  return { name: e.name, kind: e.kind, ...(roleName && owner === "user" ? { role: roleName } : {}) };
}
