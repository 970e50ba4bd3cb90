/**
 * The entity stores (memory map) of every backend, one contract: entities, links both ways,
 * relations with supersede, merges, and tenant scoping. SQLite on a real file; Qdrant when
 * QDRANT_URL is set (its links live on memory points, so the memory store writes them first).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EntityStore } from "../../src/memory/entities/store.js";
import type { EntityRecord, EntityRelation } from "../../src/memory/entities/types.js";
import type { MemoryRecord } from "../../src/memory/types.js";
import { InMemoryEntityStore } from "../../src/stores/in-memory/entities.js";
import { SqliteEntityStore } from "../../src/stores/sqlite/entities.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import type { MemoryStore } from "../../src/memory/store.js";

const QDRANT_URL = process.env.QDRANT_URL;
if (!QDRANT_URL)
  console.warn(
    "skipped: no QDRANT_URL (start Qdrant and set QDRANT_URL=http://127.0.0.1:6333 to run the Qdrant entity store contract)",
  );

const T = "2026-01-01T00:00:00.000Z";
const entity = (userId: string, name: string, extra: Partial<EntityRecord> = {}): EntityRecord => ({
  id: randomUUID(),
  userId,
  name,
  kind: "person",
  aliases: [name.toLowerCase()],
  createdAt: T,
  updatedAt: T,
  ...extra,
});
const relation = (
  userId: string,
  fromId: string,
  type: string,
  toId: string,
  extra: Partial<EntityRelation> = {},
): EntityRelation => ({
  id: randomUUID(),
  userId,
  fromId,
  type,
  toId,
  memoryId: null,
  validFrom: T,
  validTo: null,
  supersededBy: null,
  ...extra,
});

interface Backend {
  open: () => Promise<{
    entities: EntityStore;
    memoryIds: (userId: string, n: number) => Promise<string[]>;
    close: () => Promise<void>;
  }>;
}

/** Memories the links point at: Qdrant keeps links on memory points, so they must exist. */
async function memoriesIn(store: MemoryStore | undefined, userId: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  if (store) {
    const records = ids.map((id): MemoryRecord => ({
      id,
      userId,
      text: `memory ${id}`,
      category: "other",
      about: "user",
      createdAt: T,
      updatedAt: T,
      eventTime: null,
      validFrom: T,
      validTo: null,
      supersededBy: null,
      threadId: null,
      sourceId: null,
      hash: id,
      metadata: {},
      indexText: `memory ${id}`,
      expiresAt: null,
      weight: 1,
      useCount: 0,
      lastUsedAt: null,
    }));
    await store.put(
      records,
      records.map(() => [1, 0, 0, 0]),
    );
  }
  return ids;
}

const backends: Record<string, Backend> = {
  memory: {
    open: async () => ({
      entities: new InMemoryEntityStore(),
      memoryIds: async (u, n) => memoriesIn(undefined, u, n),
      close: async () => {},
    }),
  },
  sqlite: {
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "entities-"));
      // The memory store's migrations create the memory map's tables in its file.
      const memory = new SqliteMemoryStore(join(dir, "memory.db"));
      await memory.init(4);
      const entities = new SqliteEntityStore(join(dir, "memory.db"));
      await entities.init();
      return {
        entities,
        memoryIds: async (u, n) => memoriesIn(undefined, u, n),
        close: async () => (
          await entities.close(),
          await memory.close(),
          rmSync(dir, { recursive: true, force: true })
        ),
      };
    },
  },
};
if (QDRANT_URL) {
  backends.qdrant = {
    open: async () => {
      const { QdrantMemoryStore } = await import("../../src/stores/qdrant/memories.js");
      const { QdrantEntityStore } = await import("../../src/stores/qdrant/entities.js");
      const collection = `entities_test_${Date.now()}_${randomUUID().slice(0, 8)}`;
      const memory = new QdrantMemoryStore({ url: QDRANT_URL, collection });
      await memory.init(4);
      const entities = new QdrantEntityStore({ url: QDRANT_URL, collection });
      await entities.init();
      return {
        entities,
        memoryIds: (u, n) => memoriesIn(memory, u, n),
        close: async () => {
          for (const name of [collection, `${collection}_history`, `${collection}_entities`])
            await fetch(`${QDRANT_URL}/collections/${name}`, { method: "DELETE" }).catch(() => undefined);
        },
      };
    },
  };
}

for (const [name, backend] of Object.entries(backends)) {
  describe(`entity store: ${name}`, () => {
    const opened: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const close of opened) await close();
    });
    const open = async () => {
      const o = await backend.open();
      opened.push(o.close);
      return o;
    };

    it("keeps entities, links both ways, and one user's map apart from another's", async () => {
      const { entities: store, memoryIds } = await open();
      const mel = entity("alice", "Melanie");
      const tom = entity("bob", "Tom");
      await store.putEntities([mel, tom]);
      const [m1, m2] = await memoryIds("alice", 2);
      const [b1] = await memoryIds("bob", 1);
      await store.link("alice", [
        { memoryId: m1, entityIds: [mel.id] },
        { memoryId: m2, entityIds: [mel.id] },
      ]);
      await store.link("bob", [{ memoryId: b1, entityIds: [tom.id] }]);
      expect((await store.entities("alice")).map((e) => e.name)).toEqual(["Melanie"]);
      expect((await store.memoriesOfEntities("alice", [mel.id])).get(mel.id)?.sort()).toEqual([m1, m2].sort());
      expect(await store.entitiesOfMemories("alice", [m1])).toEqual(new Map([[m1, [mel.id]]]));
      // Another user's ids answer nothing, whoever asks.
      expect(await store.memoriesOfEntities("alice", [tom.id])).toEqual(new Map());
      expect(await store.entitiesOfMemories("alice", [b1])).toEqual(new Map());
      await store.link("alice", [{ memoryId: m1, entityIds: [] }]);
      expect((await store.memoriesOfEntities("alice", [mel.id])).get(mel.id)).toEqual([m2]);
      expect(await store.forgetUser("alice")).toEqual({ entities: 1, relations: 0 });
      expect(await store.entities("alice")).toEqual([]);
      expect((await store.entities("bob")).map((e) => e.name)).toEqual(["Tom"]);
    });

    it("lists current relations, keeps superseded ones as history, and drops a deleted entity's", async () => {
      const { entities: store, memoryIds } = await open();
      const berlin = entity("carol", "Berlin", { kind: "place" });
      const paris = entity("carol", "Paris", { kind: "place" });
      await store.putEntities([berlin, paris]);
      const next = relation("carol", "user", "lives in", paris.id, { validFrom: "2026-03-01T00:00:00.000Z" });
      const old = relation("carol", "user", "lives in", berlin.id, { validTo: next.validFrom, supersededBy: next.id });
      await store.putRelations([old, next]);
      expect((await store.relations("carol")).map((r) => r.toId)).toEqual([paris.id]);
      expect((await store.relations("carol", { includeHistory: true })).map((r) => r.toId)).toEqual([
        berlin.id,
        paris.id,
      ]);
      expect(await store.relations("dave", { includeHistory: true })).toEqual([]);
      const [m] = await memoryIds("carol", 1);
      await store.link("carol", [{ memoryId: m, entityIds: [berlin.id, paris.id] }]);
      await store.deleteEntities("carol", [berlin.id]);
      expect((await store.entities("carol")).map((e) => e.name)).toEqual(["Paris"]);
      expect(await store.entitiesOfMemories("carol", [m])).toEqual(new Map([[m, [paris.id]]]));
      expect((await store.relations("carol", { includeHistory: true })).map((r) => r.toId)).toEqual([paris.id]);
    });
  });
}

describe("the SQLite memory map on its own", () => {
  it("refuses a file the memory store has not migrated, saying what to do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "entities-alone-"));
    const entities = new SqliteEntityStore(join(dir, "memory.db"));
    try {
      await expect(entities.init()).rejects.toThrow(
        /no memory map tables yet: open the memory store on this file first/,
      );
    } finally {
      await entities.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
