import type { EntityStore } from "../../memory/entities/store.js";
import type { EntityKind, EntityRecord, EntityRelation, MemoryLink } from "../../memory/entities/types.js";
import { AttachedSqliteStore } from "./attached.js";
import { hasEntityTables } from "./schema.js";
import { classifyFailures } from "../boundary.js";
import { sqliteFailure } from "./errors.js";

interface EntityRow {
  user_id: string;
  id: string;
  name: string;
  kind: string;
  aliases: string;
  created_at: string;
  updated_at: string;
}
interface RelationRow {
  user_id: string;
  id: string;
  from_id: string;
  type: string;
  to_id: string;
  memory_id: string | null;
  valid_from: string;
  valid_to: string | null;
  superseded_by: string | null;
}

/** The memory map of the embedded store: on the memory store's SQLite file (its connection, or one of its own). */
export class SqliteEntityStore extends AttachedSqliteStore implements EntityStore {
  /** The tables are the memory store's migration step 2: that store opens (and migrates) the file first. */
  async init(): Promise<void> {
    if (!hasEntityTables(this.db)) {
      throw new Error(
        `${this.path} has no memory map tables yet: open the memory store on this file first (the engine's init does), it creates them.`,
      );
    }
  }

  async entities(userId: string): Promise<EntityRecord[]> {
    const rows = this.db
      .prepare<[string], EntityRow>("SELECT * FROM entities WHERE user_id = ? ORDER BY created_at, id")
      .all(userId);
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      name: r.name,
      kind: r.kind as EntityKind,
      aliases: JSON.parse(r.aliases) as string[],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async putEntities(entities: EntityRecord[]): Promise<void> {
    const put = this.db.prepare(
      "INSERT OR REPLACE INTO entities (user_id, id, name, kind, aliases, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.db
      .transaction(() => {
        for (const e of entities)
          put.run(e.userId, e.id, e.name, e.kind, JSON.stringify(e.aliases), e.createdAt, e.updatedAt);
      })
      .immediate();
  }

  async deleteEntities(userId: string, ids: string[]): Promise<void> {
    const json = JSON.stringify(ids);
    this.db
      .transaction(() => {
        this.db
          .prepare("DELETE FROM entities WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))")
          .run(userId, json);
        this.db
          .prepare("DELETE FROM memory_entities WHERE user_id = ? AND entity_id IN (SELECT value FROM json_each(?))")
          .run(userId, json);
        this.db
          .prepare(
            "DELETE FROM entity_relations WHERE user_id = ? AND (from_id IN (SELECT value FROM json_each(?)) OR to_id IN (SELECT value FROM json_each(?)))",
          )
          .run(userId, json, json);
      })
      .immediate();
  }

  async link(userId: string, links: MemoryLink[]): Promise<void> {
    const clear = this.db.prepare("DELETE FROM memory_entities WHERE user_id = ? AND memory_id = ?");
    const add = this.db.prepare(
      "INSERT OR IGNORE INTO memory_entities (user_id, memory_id, entity_id) VALUES (?, ?, ?)",
    );
    this.db
      .transaction(() => {
        for (const l of links) {
          clear.run(userId, l.memoryId);
          for (const id of l.entityIds) add.run(userId, l.memoryId, id);
        }
      })
      .immediate();
  }

  async entitiesOfMemories(userId: string, memoryIds: string[]): Promise<Map<string, string[]>> {
    const rows = this.db
      .prepare<[string, string], { memory_id: string; entity_id: string }>(
        "SELECT memory_id, entity_id FROM memory_entities WHERE user_id = ? AND memory_id IN (SELECT value FROM json_each(?))",
      )
      .all(userId, JSON.stringify(memoryIds));
    return group(rows.map((r) => [r.memory_id, r.entity_id]));
  }

  async memoriesOfEntities(userId: string, entityIds: string[]): Promise<Map<string, string[]>> {
    const rows = this.db
      .prepare<[string, string], { memory_id: string; entity_id: string }>(
        "SELECT memory_id, entity_id FROM memory_entities WHERE user_id = ? AND entity_id IN (SELECT value FROM json_each(?))",
      )
      .all(userId, JSON.stringify(entityIds));
    return group(rows.map((r) => [r.entity_id, r.memory_id]));
  }

  async relations(userId: string, options: { includeHistory?: boolean } = {}): Promise<EntityRelation[]> {
    const sql = `SELECT * FROM entity_relations WHERE user_id = ?${options.includeHistory ? "" : " AND valid_to IS NULL"} ORDER BY valid_from, id`;
    return this.db
      .prepare<[string], RelationRow>(sql)
      .all(userId)
      .map((r) => ({
        id: r.id,
        userId: r.user_id,
        fromId: r.from_id,
        type: r.type,
        toId: r.to_id,
        memoryId: r.memory_id,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        supersededBy: r.superseded_by,
      }));
  }

  async putRelations(relations: EntityRelation[]): Promise<void> {
    const put = this.db.prepare(
      "INSERT OR REPLACE INTO entity_relations (user_id, id, from_id, type, to_id, memory_id, valid_from, valid_to, superseded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.db
      .transaction(() => {
        for (const r of relations)
          put.run(r.userId, r.id, r.fromId, r.type, r.toId, r.memoryId, r.validFrom, r.validTo, r.supersededBy);
      })
      .immediate();
  }

  async forgetUser(userId: string): Promise<{ entities: number; relations: number }> {
    return this.db
      .transaction(() => {
        const entities = this.db.prepare("DELETE FROM entities WHERE user_id = ?").run(userId).changes;
        const relations = this.db.prepare("DELETE FROM entity_relations WHERE user_id = ?").run(userId).changes;
        this.db.prepare("DELETE FROM memory_entities WHERE user_id = ?").run(userId);
        return { entities, relations };
      })
      .immediate();
  }
}

// A locked, unopenable or closed file leaves every method as StoreUnavailableError.
classifyFailures(SqliteEntityStore, (store, error) => sqliteFailure(store.path, error));

function group(pairs: [string, string][]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of pairs) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}
