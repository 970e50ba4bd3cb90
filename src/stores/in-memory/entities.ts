import type { EntityStore } from "../../memory/entities/store.js";
import type { EntityRecord, EntityRelation, MemoryLink } from "../../memory/entities/types.js";

interface UserEntities {
  entities: Map<string, EntityRecord>;
  links: Map<string, string[]>;
  relations: Map<string, EntityRelation>;
}

/** Entities in process memory, beside InMemoryMemoryStore: for tests and throw-away sessions. */
export class InMemoryEntityStore implements EntityStore {
  private users = new Map<string, UserEntities>();

  async init(): Promise<void> {}

  private user(userId: string): UserEntities {
    let u = this.users.get(userId);
    if (!u) this.users.set(userId, (u = { entities: new Map(), links: new Map(), relations: new Map() }));
    return u;
  }

  async entities(userId: string): Promise<EntityRecord[]> {
    return [...(this.users.get(userId)?.entities.values() ?? [])].map((e) => structuredClone(e));
  }

  async putEntities(entities: EntityRecord[]): Promise<void> {
    for (const e of entities) this.user(e.userId).entities.set(e.id, structuredClone(e));
  }

  async deleteEntities(userId: string, ids: string[]): Promise<void> {
    const u = this.user(userId);
    const gone = new Set(ids);
    for (const id of ids) u.entities.delete(id);
    for (const [memoryId, list] of u.links)
      u.links.set(
        memoryId,
        list.filter((id) => !gone.has(id)),
      );
    for (const [id, r] of u.relations) if (gone.has(r.fromId) || gone.has(r.toId)) u.relations.delete(id);
  }

  async link(userId: string, links: MemoryLink[]): Promise<void> {
    const u = this.user(userId);
    for (const l of links) {
      if (l.entityIds.length) u.links.set(l.memoryId, [...new Set(l.entityIds)]);
      else u.links.delete(l.memoryId);
    }
  }

  async entitiesOfMemories(userId: string, memoryIds: string[]): Promise<Map<string, string[]>> {
    const links = this.users.get(userId)?.links;
    const out = new Map<string, string[]>();
    for (const id of memoryIds) {
      const list = links?.get(id);
      if (list?.length) out.set(id, [...list]);
    }
    return out;
  }

  async memoriesOfEntities(userId: string, entityIds: string[]): Promise<Map<string, string[]>> {
    const wanted = new Set(entityIds);
    const out = new Map<string, string[]>();
    for (const [memoryId, list] of this.users.get(userId)?.links ?? []) {
      for (const id of list) if (wanted.has(id)) out.set(id, [...(out.get(id) ?? []), memoryId]);
    }
    return out;
  }

  async relations(userId: string, options: { includeHistory?: boolean } = {}): Promise<EntityRelation[]> {
    const all = [...(this.users.get(userId)?.relations.values() ?? [])];
    return all.filter((r) => options.includeHistory || r.validTo === null).map((r) => structuredClone(r));
  }

  async putRelations(relations: EntityRelation[]): Promise<void> {
    for (const r of relations) this.user(r.userId).relations.set(r.id, structuredClone(r));
  }

  async forgetUser(userId: string): Promise<{ entities: number; relations: number }> {
    const u = this.users.get(userId);
    this.users.delete(userId);
    return { entities: u?.entities.size ?? 0, relations: u?.relations.size ?? 0 };
  }

  async close(): Promise<void> {}
}
