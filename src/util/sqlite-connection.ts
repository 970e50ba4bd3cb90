import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";

/** How long a statement waits for a file another connection has locked (SQLite sleeps, on the event loop). */
const LOCKED_FILE_WAIT_MS = 10_000;

/**
 * Connection settings shared by every SQLite file we write (memory store, user locks): WAL for
 * concurrent readers and a writer, wait for locks instead of failing.
 *
 * Switching a new file to WAL needs a lock that SQLite's busy handler does not wait for, so
 * processes opening a fresh file at the same moment can get SQLITE_BUSY there; that step is
 * retried until the busy timeout.
 */
export function configureConnection(db: Database.Database): void {
  db.pragma(`busy_timeout = ${LOCKED_FILE_WAIT_MS}`);
  retryWhileBusy(() => db.pragma("journal_mode = WAL"));
  // In WAL mode NORMAL loses no committed transaction when the process dies (only on power loss).
  db.pragma("synchronous = NORMAL");
}

/**
 * Opens (creating its folder) and configures a connection to
 * the SQLite file at `path`; ":memory:" and "" open in memory.
 */
export function openSqliteFile(path: string): Database.Database {
  if (path !== ":memory:" && path !== "") mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path);
  configureConnection(db);
  return db;
}

function retryWhileBusy<T>(step: () => T): T {
  const deadline = Date.now() + LOCKED_FILE_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? "");
      if (!code.startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}
