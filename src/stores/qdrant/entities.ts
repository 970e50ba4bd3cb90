import type { EntityStore } from "../../memory/entities/store.js";
import type { EntityRecord, EntityRelation, MemoryLink } from "../../memory/entities/types.js";
import { chunks, ensureCollection, KEYWORD_INDEX, scrollAll, type StoredPoint, TENANT_INDEX } from "./collections.js";
import { QdrantCaller } from "./client.js";
import { tenantCondition, type QdrantFilter } from "./filter.js";
import { pointId, uuidV5 } from "./ids.js";
import type { QdrantMemoryStoreOptions } from "./memories.js";
import { qdrantStoreSettings, type QdrantSettings } from "./settings.js";

/** The payload field of a memory point that lists the entities it names (keyword-indexed). */
const ENTITIES_FIELD = "entities";
const WRITE_BATCH = 256;

/**
 * The memory map in Qdrant. Which memories name an entity is a payload field of the memory points
 * themselves (`entities`, keyword-indexed, so "memories of entity X" is one filtered scroll, and
 * a filtered search could use it); entities and relations are points of `<collection>_entities`
 * (no vectors), told apart by `type`, each with the tenant key. A memory point stored again
 * loses its payload: the engine puts the links back after every write (EntityIndex.restore).
 */
export class QdrantEntityStore implements EntityStore {
  private readonly caller: QdrantCaller;
  private readonly memories: string;
  private readonly entitiesCollection: string;

  constructor(private readonly options: QdrantMemoryStoreOptions) {
    this.caller = QdrantCaller.connect(options);
    this.memories = options.collection;
    this.entitiesCollection = `${options.collection}_entities`;
  }

  static fromSettings(settings: QdrantSettings): QdrantEntityStore {
    return new QdrantEntityStore(qdrantStoreSettings(settings, "The Qdrant entity store"));
  }

  /** Runs after the memory store's init (the memories collection exists by then). */
  async init(): Promise<void> {
    await ensureCollection(this.caller, {
      name: this.entitiesCollection,
      topology: this.options.topology,
      indexes: { userId: TENANT_INDEX, type: KEYWORD_INDEX },
    });
    await ensureCollection(this.caller, {
      name: this.memories,
      topology: this.options.topology,
      indexes: { [ENTITIES_FIELD]: KEYWORD_INDEX },
    });
  }

  private of(userId: string, type: "entity" | "relation"): QdrantFilter {
    return { must: [tenantCondition(userId), { key: "type", match: { value: type } }] };
  }

  private pid(type: "entity" | "relation", userId: string, id: string): string {
    return uuidV5(JSON.stringify([type, userId, id]));
  }

  async entities(userId: string): Promise<EntityRecord[]> {
    const points = await scrollAll(this.caller, this.entitiesCollection, this.of(userId, "entity"));
    return points
      .map((p) => p.payload!.record as EntityRecord)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async putEntities(entities: EntityRecord[]): Promise<void> {
    await this.upsert(
      entities.map((e) => ({
        id: this.pid("entity", e.userId, e.id),
        payload: { userId: e.userId, type: "entity", record: e },
      })),
    );
  }

  async deleteEntities(userId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const gone = new Set(ids);
    const relations = (await this.relations(userId, { includeHistory: true })).filter(
      (r) => gone.has(r.fromId) || gone.has(r.toId),
    );
    const points = [
      ...ids.map((id) => this.pid("entity", userId, id)),
      ...relations.map((r) => this.pid("relation", userId, r.id)),
    ];
    await this.caller.call("deleting entities", (c) => c.delete(this.entitiesCollection, { wait: true, points }));
    const linked = await this.memoriesOfEntities(userId, ids);
    const memoryIds = [...new Set([...linked.values()].flat())];
    const links = await this.entitiesOfMemories(userId, memoryIds);
    await this.link(
      userId,
      [...links].map(([memoryId, list]) => ({ memoryId, entityIds: list.filter((id) => !gone.has(id)) })),
    );
  }

  async link(userId: string, links: MemoryLink[]): Promise<void> {
    // A memory deleted meanwhile took its links with it; set_payload on a missing point would fail.
    const present = new Set(
      (
        await this.memoryPoints(
          userId,
          links.map((l) => l.memoryId),
        )
      ).map((p) => String(p.payload!.id)),
    );
    for (const l of links) {
      if (!present.has(l.memoryId)) continue;
      await this.caller.call("linking a memory to its entities", (c) =>
        c.setPayload(this.memories, {
          wait: true,
          payload: { [ENTITIES_FIELD]: [...new Set(l.entityIds)] },
          points: [pointId("memory", userId, l.memoryId)],
        }),
      );
    }
  }

  async entitiesOfMemories(userId: string, memoryIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const p of await this.memoryPoints(userId, memoryIds)) {
      const list = (p.payload?.[ENTITIES_FIELD] as string[] | undefined) ?? [];
      if (list.length) out.set(String(p.payload!.id), list);
    }
    return out;
  }

  async memoriesOfEntities(userId: string, entityIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (entityIds.length === 0) return out;
    const wanted = new Set(entityIds);
    const filter: QdrantFilter = {
      must: [tenantCondition(userId), { key: ENTITIES_FIELD, match: { any: entityIds } }],
    };
    for (const p of await scrollAll(this.caller, this.memories, filter, { include: ["id", ENTITIES_FIELD] })) {
      for (const id of (p.payload?.[ENTITIES_FIELD] as string[]) ?? [])
        if (wanted.has(id)) out.set(id, [...(out.get(id) ?? []), String(p.payload!.id)]);
    }
    return out;
  }

  async relations(userId: string, options: { includeHistory?: boolean } = {}): Promise<EntityRelation[]> {
    const points = await scrollAll(this.caller, this.entitiesCollection, this.of(userId, "relation"));
    return points
      .map((p) => p.payload!.record as EntityRelation)
      .filter((r) => options.includeHistory || r.validTo === null)
      .sort((a, b) => a.validFrom.localeCompare(b.validFrom) || a.id.localeCompare(b.id));
  }

  async putRelations(relations: EntityRelation[]): Promise<void> {
    await this.upsert(
      relations.map((r) => ({
        id: this.pid("relation", r.userId, r.id),
        payload: { userId: r.userId, type: "relation", record: r },
      })),
    );
  }

  async forgetUser(userId: string): Promise<{ entities: number; relations: number }> {
    const entities = (await this.entities(userId)).length;
    const relations = (await this.relations(userId, { includeHistory: true })).length;
    await this.caller.call("forgetting a user's entities", (c) =>
      c.delete(this.entitiesCollection, { wait: true, filter: { must: [tenantCondition(userId)] } }),
    );
    return { entities, relations };
  }

  async close(): Promise<void> {}

  private async memoryPoints(userId: string, memoryIds: string[]): Promise<StoredPoint[]> {
    if (memoryIds.length === 0) return [];
    const points = await this.caller.call("reading memory links", (c) =>
      c.retrieve(this.memories, {
        ids: memoryIds.map((id) => pointId("memory", userId, id)),
        with_payload: { include: ["id", "userId", ENTITIES_FIELD] },
        with_vector: false,
      }),
    );
    return (points as StoredPoint[]).filter((p) => p.payload?.userId === userId);
  }

  private async upsert(points: { id: string; payload: Record<string, unknown> }[]): Promise<void> {
    for (const batch of chunks(points, WRITE_BATCH)) {
      await this.caller.call("storing entities", (c) =>
        c.upsert(this.entitiesCollection, { wait: true, points: batch.map((p) => ({ ...p, vector: {} })) }),
      );
    }
  }
}
