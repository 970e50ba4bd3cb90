/** The SQLite backend's own classifier: which failures mean "the file cannot be used now" (store_unavailable). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/memory/store.js";
import { sqliteFailure, sqliteUnavailableCode, SqliteUnavailableError } from "../../src/stores/sqlite/errors.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { SqliteProfileStore } from "../../src/stores/sqlite/profiles.js";
import { reembedSqliteStore } from "../../src/stores/sqlite/reembed.js";
import { FileUserLocks } from "../../src/stores/sqlite/user-locks.js";
import { DIMS } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "memory-chat-sqlite-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("SQLite failures (stores/sqlite/errors.ts)", () => {
  it("leaves the locked work's own failures as they are: only the lock file's calls are its failures", async () => {
    const locks = new FileUserLocks(join(dir, "locks.db"));
    const fromAnotherFile = coded("SQLITE_BUSY", "database is locked");
    await expect(locks.run("u", () => Promise.reject(fromAnotherFile))).rejects.toBe(fromAnotherFile);
    locks.close();
  });

  it("recognises a locked, unopenable, full, failing or closed file, and nothing else", () => {
    for (const code of ["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_FULL"])
      expect(sqliteUnavailableCode(coded(code))).toBe(code);
    expect(sqliteUnavailableCode(coded("SQLITE_IOERR_WRITE", "disk I/O error"))).toBe("SQLITE_IOERR_WRITE");
    expect(sqliteUnavailableCode(new TypeError("The database connection is not open"))).toBe("SQLITE_CLOSED");
    expect(sqliteUnavailableCode(new Error("wrapped", { cause: coded("SQLITE_BUSY") }))).toBe("SQLITE_BUSY");
    for (const other of [coded("SQLITE_CONSTRAINT"), coded("ECONNREFUSED"), coded("toString"), new Error("boom")])
      expect(sqliteUnavailableCode(other)).toBeUndefined();
  });

  it("turns it into StoreUnavailableError naming the file, DATA_DIR and what to do; other errors pass as they are", () => {
    const error = sqliteFailure("/data/memory.db", coded("SQLITE_BUSY", "database is locked"));
    expect(error).toBeInstanceOf(SqliteUnavailableError);
    expect(error).toMatchObject({ code: "store_unavailable", retryable: true, reason: "SQLITE_BUSY" });
    expect((error as Error).message).toBe(
      "The SQLite file /data/memory.db (in DATA_DIR) cannot be used now (SQLITE_BUSY): another process holds it " +
        "locked: let it finish, or stop it; then retry",
    );
    expect((error as StoreUnavailableError).publicMessage).not.toContain("/data");
    const constraint = coded("SQLITE_CONSTRAINT");
    expect(sqliteFailure("/data/memory.db", constraint)).toBe(constraint);
    expect(sqliteFailure("/other.db", error)).toBe(error);
  });

  it("the stores throw it at their boundary: a closed store, a file another connection holds, a path that is a folder", async () => {
    const file = join(dir, "memory.db");
    const store = new SqliteMemoryStore(file);
    await store.init(DIMS);
    await store.close();
    await expect(store.list("u")).rejects.toMatchObject({ name: "SqliteUnavailableError", reason: "SQLITE_CLOSED" });

    const holder = new Database(file);
    holder.exec("BEGIN EXCLUSIVE");
    const impatient = new Database(file, { timeout: 0 });
    const profiles = new SqliteProfileStore(file, impatient);
    await expect(profiles.forgetUser("u")).rejects.toMatchObject({
      name: "SqliteUnavailableError",
      reason: "SQLITE_BUSY",
    });
    holder.exec("ROLLBACK");
    await expect(profiles.forgetUser("u")).resolves.toEqual({ profiles: 0, questions: 0 });
    holder.close();
    impatient.close();

    expect(() => new SqliteMemoryStore(dir)).toThrow(SqliteUnavailableError);
    const busy = reembedSqliteStore(dir, { model: "m", dims: DIMS, embed: async () => [] });
    await expect(busy).rejects.toMatchObject({ reason: "SQLITE_CANTOPEN" });
  });

  it("leaves a constraint or a bug of the caller as it is", async () => {
    const store = new SqliteMemoryStore(join(dir, "other.db"));
    await store.init(DIMS);
    await expect(store.put([], [[1]])).rejects.not.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });
});
