/**
 * Files written by the version before versioned migrations (test/fixtures/README.md) open with
 * this one: every memory, history line and search result intact, the version the newest.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { tokenize } from "../../src/search/tokenize.js";
import { QUEUE_MIGRATIONS, SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { SCHEMA_VERSION } from "../../src/stores/sqlite/schema.js";
import { SqliteEntityStore } from "../../src/stores/sqlite/entities.js";
import { SqliteProfileStore } from "../../src/stores/sqlite/profiles.js";
import type { StoreSearchQuery } from "../../src/memory/store.js";
import { axis, DIMS, memory, seededVector } from "./fixtures.js";

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures");
const dir = mkdtempSync(join(tmpdir(), "memory-chat-upgrade-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closing: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const c of closing.splice(0)) await c.close();
});

let copies = 0;
/** A fresh copy of a fixture: opening migrates it in place. */
function copyOf(fixture: string): string {
  const path = join(dir, `${++copies}-${fixture}`);
  copyFileSync(join(fixtures, fixture), path);
  return path;
}

function rawDb(path: string): Database.Database {
  const db = new Database(path);
  closing.push({ close: () => void db.close() });
  return db;
}

const texts = (records: { text: string }[]) => records.map((r) => r.text).sort();

describe("a memory store written before versioned migrations", () => {
  it("is at version 1 with no memory map tables: the fixture is what the old code wrote", () => {
    const db = rawDb(copyOf("memory-v1.db"));
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe("1");
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'entities'").pluck().get()).toBe(0);
  });

  it("opens at the newest version with every memory, history line and search result intact", async () => {
    const path = copyOf("memory-v1.db");
    const store = new SqliteMemoryStore(path);
    closing.push(store);
    await store.init(DIMS);

    const db = rawDb(path);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
      String(SCHEMA_VERSION),
    );
    expect(
      db
        .prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('entities', 'memory_entities', 'entity_relations')")
        .pluck()
        .get(),
    ).toBe(3);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('user_profiles', 'user_questions')").pluck().get(),
    ).toBe(2);

    const all = { validity: { kind: "all" } as const };
    expect(texts(await store.list("alice", all))).toEqual([
      "Alice lived in Porto",
      "Alice lives in Lisbon",
      "Alice works as a nurse",
      "爱丽丝喜欢吃火锅",
    ]);
    expect(texts(await store.list("alice"))).toHaveLength(4);
    expect(await store.count("alice", { validity: { kind: "current" } })).toBe(3);
    expect(texts(await store.list("bob", all))).toEqual(["Bob has a dog named Rex", "Bob plans a trip to Osaka"]);
    expect(await store.count("carol", all)).toBe(24);
    expect(await store.listUsers(10)).toEqual(["alice", "bob", "carol"]);

    const porto = await store.get("alice", "a-porto");
    expect(porto).toMatchObject({ validTo: "2024-05-02T12:00:00.000Z", supersededBy: "a-lisbon", category: "profile" });
    expect(await store.get("alice", "a-nurse")).toMatchObject({ metadata: { source: "chat" } });
    expect(await store.get("alice", "a-hotpot")).toMatchObject({
      eventTime: "2024-04-19",
      threadId: "t-1",
      sourceId: "s-1",
    });
    expect((await store.history("alice", "a-porto")).map((h) => [h.id, h.operation, h.oldText, h.newText])).toEqual([
      ["h1", "ADD", null, "Alice lived in Porto"],
      ["h5", "SUPERSEDE", "Alice lived in Porto", "Alice lives in Lisbon"],
    ]);
    expect((await store.history("bob", "b-dog")).map((h) => h.id)).toEqual(["h6"]);

    const search = (q: Partial<StoreSearchQuery>) =>
      store.search({ userId: "alice", validity: { kind: "current" }, limit: 3, ...q });
    expect((await search({ vector: axis(0) }))[0].record.id).toBe("a-lisbon");
    expect((await search({ vector: axis(1), terms: tokenize("nurse") }))[0].record.id).toBe("a-nurse");
    expect((await search({ terms: tokenize("火锅") })).map((h) => h.record.id)).toEqual(["a-hotpot"]);
    expect((await search({ vector: axis(2) })).map((h) => h.record.id)).not.toContain("a-porto");
    expect((await search({ vector: axis(2), validity: { kind: "all" } }))[0].record.id).toBe("a-porto");
    // Bob's dog has Alice's Lisbon vector: each sees only their own.
    expect(
      (await store.search({ userId: "bob", vector: axis(0), validity: { kind: "current" }, limit: 5 })).map(
        (h) => h.record.id,
      ),
    ).toEqual(["b-dog", "b-osaka"]);
    expect(
      (await store.search({ userId: "carol", vector: seededVector(5), validity: { kind: "current" }, limit: 1 }))[0]
        .record.id,
    ).toBe("c-4");
  });

  it("gives every memory the feedback, use and expiry fields at their defaults (lasting, weight 1, never used), and stores them from then on", async () => {
    const path = copyOf("memory-v1.db");
    const store = new SqliteMemoryStore(path);
    closing.push(store);
    await store.init(DIMS);
    const columns = rawDb(path).prepare("SELECT name FROM pragma_table_info('memories')").pluck().all();
    expect(columns).toEqual(expect.arrayContaining(["expires_at", "weight", "use_count", "last_used_at"]));
    const all = await store.list("alice", { validity: { kind: "all" } });
    expect(all).toHaveLength(4);
    for (const m of all) expect(m).toMatchObject({ expiresAt: null, weight: 1, useCount: 0, lastUsedAt: null });

    expect(await store.mark("alice", "a-nurse", { weight: 0.8 })).toBe(true);
    expect(await store.recordUse("alice", ["a-lisbon"], "2024-06-01T00:00:00.000Z")).toBe(1);
    const reopened = new SqliteMemoryStore(path);
    closing.push(reopened);
    await reopened.init(DIMS);
    expect(await reopened.get("alice", "a-nurse")).toMatchObject({ weight: 0.8, useCount: 0 });
    expect(await reopened.get("alice", "a-lisbon")).toMatchObject({
      weight: 1,
      useCount: 1,
      lastUsedAt: "2024-06-01T00:00:00.000Z",
    });
  });

  it("keeps writing and searching the upgraded file like a new one", async () => {
    const path = copyOf("memory-v1.db");
    const store = new SqliteMemoryStore(path);
    closing.push(store);
    await store.init(DIMS);
    await store.put([memory("alice", "Alice adopted a cat", { id: "a-cat" })], [axis(7)]);
    await store.delete("alice", ["a-nurse"]);
    const hits = await store.search({ userId: "alice", vector: axis(7), validity: { kind: "current" }, limit: 10 });
    expect(hits[0].record.id).toBe("a-cat");
    expect(hits.map((h) => h.record.id)).not.toContain("a-nurse");
    const entities = new SqliteEntityStore(path);
    closing.push(entities);
    await entities.init();
    await entities.putEntities([
      { id: "e-cat", userId: "alice", name: "cat", kind: "pet", aliases: [], createdAt: "2024", updatedAt: "2024" },
    ]);
    expect((await entities.entities("alice")).map((e) => e.name)).toEqual(["cat"]);
    const profiles = new SqliteProfileStore(path);
    closing.push(profiles);
    await profiles.init();
    await profiles.putQuestions([{ userId: "alice", id: "q1", at: "2024-05-01T00:00:00.000Z", topics: ["cats"] }], 10);
    expect((await profiles.questions("alice")).map((q) => q.topics)).toEqual([["cats"]]);
  });

  it("refuses a file newer than this build with the error that says what to do, and changes nothing", async () => {
    const path = copyOf("memory-v1.db");
    const db = rawDb(path);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    const store = new SqliteMemoryStore(path);
    closing.push(store);
    await expect(store.init(DIMS)).rejects.toThrow(
      new RegExp(
        `schema version ${SCHEMA_VERSION + 1}, newer than this build reads \\(${SCHEMA_VERSION}\\): upgrade memory chat, or point DATA_DIR`,
      ),
    );
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'entities'").pluck().get()).toBe(0);
  });

  it("refuses another model's vector size before changing anything", async () => {
    const store = new SqliteMemoryStore(copyOf("memory-v1.db"));
    closing.push(store);
    await expect(store.init(16)).rejects.toThrow(/holds 8-dimensional embeddings/);
  });
});

describe("an update queue written before versioned migrations", () => {
  it("opens at the newest version with its jobs intact", async () => {
    const path = copyOf("queue-v1.db");
    expect(rawDb(path).pragma("user_version", { simple: true })).toBe(0);
    const queue = new SqliteJobQueue(path);
    closing.push(queue);
    expect((await queue.get("job-alice"))?.state).toBe("done");
    expect(await queue.get("job-bob")).toMatchObject({
      state: "queued",
      userId: "bob",
      payload: { input: [{ role: "user", content: "I have a dog" }] },
    });
    expect(rawDb(path).pragma("user_version", { simple: true })).toBe(QUEUE_MIGRATIONS.length);
  });

  it("refuses a queue newer than this build, saying what to do", async () => {
    const path = copyOf("queue-v1.db");
    rawDb(path).pragma(`user_version = ${QUEUE_MIGRATIONS.length + 1}`);
    const queue = new SqliteJobQueue(path);
    closing.push(queue);
    await expect(queue.get("job-bob")).rejects.toThrow(/newer than this build reads \(1\): upgrade memory chat/);
  });
});
