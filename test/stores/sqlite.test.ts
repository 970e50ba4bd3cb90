import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { tokenize } from "../../src/search/tokenize.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { SCHEMA_VERSION } from "../../src/stores/sqlite/schema.js";
import { UserSnapshot } from "../../src/stores/sqlite/snapshot.js";
import { runStoreContract } from "./contract.js";
import { axis, DIMS, historyEntry, memory, newUser, seededVector, writerRecord } from "./fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const writerScript = join(here, "sqlite-writer.ts");
const dir = mkdtempSync(join(tmpdir(), "memory-chat-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract("sqlite", async () => new SqliteMemoryStore(join(dir, "contract.db")), { sameBackendTwice: true });

describe("SqliteMemoryStore on disk", () => {
  const opened: SqliteMemoryStore[] = [];
  const children: ChildProcess[] = [];
  let files = 0;
  const newFile = () => join(dir, `case-${++files}`, "nested", "memory.db");
  const open = async (path: string, dims = DIMS) => {
    const s = new SqliteMemoryStore(path);
    opened.push(s);
    await s.init(dims);
    return s;
  };
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    while (opened.length) await opened.pop()!.close();
  });

  /** Runs the writer script in its own Node process (one process, so a kill reaches the writer itself). */
  const startWriter = (path: string, userId: string, tag: string, count: number | "forever") => {
    const child = spawn(process.execPath, ["--import", "tsx", writerScript, path, userId, tag, String(count)], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<void>((ok, fail) =>
      child.on("exit", (code, signal) =>
        code === 0 || signal === "SIGKILL"
          ? ok()
          : fail(new Error(`writer ${tag} exited with ${code ?? signal}: ${stderr}`)),
      ),
    );
    return { child, exited };
  };

  it("keeps everything across close and reopen", async () => {
    const path = newFile();
    const user = newUser();
    const first = await open(path);
    const r = memory(user, "keeps bees in the garden", { metadata: { hive: 2 } });
    const h = historyEntry(user, r.id);
    await first.put([r], [axis(3)]);
    await first.appendHistory([h]);
    await first.close();

    const again = await open(path);
    expect(await again.get(user, r.id)).toEqual(r);
    expect(await again.history(user, r.id)).toEqual([h]);
    const hits = await again.search({
      userId: user,
      vector: axis(3),
      terms: tokenize("bees"),
      validity: { kind: "current" },
      limit: 5,
    });
    expect(hits.map((x) => x.record)).toEqual([r]);
    expect(hits[0]).toMatchObject({ denseRank: 1, lexicalRank: 1 });

    // A file set up earlier is usable without a second init.
    const noInit = new SqliteMemoryStore(path);
    opened.push(noInit);
    expect(await noInit.count(user)).toBe(1);
  });

  it("uses WAL journaling with a busy timeout and NORMAL sync, and records the schema version", async () => {
    const path = newFile();
    await open(path);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const meta = Object.fromEntries(
        (db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((m) => [
          m.key,
          m.value,
        ]),
      );
      expect(meta).toEqual({ schema_version: String(SCHEMA_VERSION), dims: String(DIMS) });
    } finally {
      db.close();
    }
    const store = opened[0] as unknown as { db: Database.Database };
    expect(store.db.pragma("busy_timeout", { simple: true })).toBeGreaterThanOrEqual(1000);
    expect(store.db.pragma("synchronous", { simple: true })).toBe(1);
  });

  it("delete and forgetUser leave no row of the user behind in any table, lexical tokens included", async () => {
    const path = newFile();
    const user = newUser();
    const other = newUser();
    const store = await open(path);
    const records = [memory(user, "private diagnosis"), memory(user, "private address"), memory(user, "private phone")];
    await store.put([...records, memory(other, "private but someone else's")], [axis(0), axis(1), axis(2), axis(3)]);
    await store.appendHistory([historyEntry(user, records[0].id)]);
    const db = new Database(path, { readonly: true });
    const rowsOf = (table: string, id: string) =>
      db.prepare(`SELECT count(*) FROM ${table} WHERE user_id = ?`).pluck().get(id) as number;
    try {
      await store.delete(user, [records[0].id]);
      expect(rowsOf("memories", user)).toBe(2);
      expect(db.prepare("SELECT count(*) FROM memories WHERE tokens LIKE '%diagnosis%'").pluck().get()).toBe(0);
      await store.forgetUser(user);
      for (const table of ["memories", "history"]) expect(rowsOf(table, user)).toBe(0);
      // No other table holds what a user wrote (the lexical tokens are a column of memories; the
      // memory map and the profile tables are their own stores', erased by the engine's forgetUser).
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual([
        "entities",
        "entity_relations",
        "history",
        "memories",
        "memory_entities",
        "meta",
        "user_profiles",
        "user_questions",
        "user_versions",
      ]);
      expect(db.prepare("SELECT count(*) FROM memories WHERE tokens LIKE '%private%'").pluck().get()).toBe(1);
      expect(rowsOf("memories", other)).toBe(1);
    } finally {
      db.close();
    }
  });

  it("patches its search cache on its own writes and reloads it after another connection's", async () => {
    const path = newFile();
    const user = newUser();
    const [mine, theirs] = [await open(path), await open(path)];
    const query = {
      userId: user,
      vector: axis(0),
      terms: tokenize("otter"),
      validity: { kind: "current" } as const,
      limit: 10,
    };
    await mine.put([memory(user, "first otter")], [axis(0)]);
    const loads = vi.spyOn(UserSnapshot, "fromRows");
    try {
      await mine.search(query);
      expect(loads).toHaveBeenCalledTimes(1);
      const added = memory(user, "second otter");
      await mine.put([added], [axis(0)]);
      await mine.delete(user, [added.id]);
      await mine.put([memory(user, "third otter")], [axis(1)]);
      expect(await mine.search(query)).toHaveLength(2);
      expect(loads).toHaveBeenCalledTimes(1);
      await theirs.put([memory(user, "fourth otter")], [axis(2)]);
      expect(await mine.search(query)).toHaveLength(3);
      expect(loads).toHaveBeenCalledTimes(2);
    } finally {
      loads.mockRestore();
    }
  });

  it("refuses a different embedding size, naming both sizes and what to do", async () => {
    const path = newFile();
    await open(path, 8);
    const wrong = new SqliteMemoryStore(path);
    opened.push(wrong);
    const error = await wrong.init(16).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/\b8-dimensional\b/);
    expect(error?.message).toMatch(/\b16\b/);
    expect(error?.message).toMatch(/DATA_DIR/);
    expect(error?.message).toMatch(/re-embed/);
    await expect(wrong.init(8)).resolves.toBeUndefined();
  });

  it("sees in search what another process wrote to the same file", async () => {
    const path = newFile();
    const user = newUser();
    const store = await open(path);
    const own = memory(user, "written by the parent process");
    await store.put([own], [axis(0)]);
    expect(
      (await store.search({ userId: user, vector: axis(0), validity: { kind: "current" }, limit: 5 })).length,
    ).toBe(1);

    await startWriter(path, user, "child", 20).exited;

    expect(await store.count(user)).toBe(21);
    const expected = writerRecord(user, "child", 7);
    const hits = await store.search({
      userId: user,
      vector: seededVector(7),
      terms: tokenize(`walruschild7`),
      validity: { kind: "current" },
      limit: 3,
    });
    expect(hits[0].record).toEqual(expected);
    expect(hits[0]).toMatchObject({ denseRank: 1, lexicalRank: 1 });
  });

  it("lets two processes write the same file at once without errors", async () => {
    const path = newFile();
    const user = newUser();
    await open(path);
    await Promise.all([startWriter(path, user, "left", 200).exited, startWriter(path, user, "right", 200).exited]);
    const store = await open(path);
    expect(await store.count(user)).toBe(400);
    expect(await store.count(user, { filter: { writer: "right" } })).toBe(200);
    expect(await store.get(user, "left-199")).toEqual(writerRecord(user, "left", 199));
  });

  it("survives a writer killed with SIGKILL: the file opens and every committed row is intact", async () => {
    const path = newFile();
    const user = newUser();
    await open(path);
    const { child, exited } = startWriter(path, user, "doomed", "forever");
    let lastCommitted = -1;
    await new Promise<void>((done) => {
      let buffer = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split("\n");
        buffer = lines.pop()!;
        for (const line of lines) lastCommitted = Number(line.replace("committed ", ""));
        if (lastCommitted >= 60 && child.signalCode === null) {
          child.kill("SIGKILL");
          done();
        }
      });
    });
    await exited;
    expect(child.signalCode).toBe("SIGKILL");

    const check = new Database(path);
    try {
      expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      check.close();
    }
    const store = await open(path);
    const stored = await store.count(user);
    expect(stored).toBeGreaterThanOrEqual(lastCommitted + 1);
    for (let i = 0; i <= lastCommitted; i++) {
      expect(await store.get(user, `doomed-${i}`)).toEqual(writerRecord(user, "doomed", i));
    }
    const hits = await store.search({
      userId: user,
      terms: tokenize(`walrusdoomed${lastCommitted}`),
      validity: { kind: "current" },
      limit: 1,
    });
    expect(hits.map((h) => h.record.id)).toEqual([`doomed-${lastCommitted}`]);
    await store.put([memory(user, "written after the crash")], [axis(1)]);
    expect(await store.count(user)).toBe(stored + 1);
  });
});
