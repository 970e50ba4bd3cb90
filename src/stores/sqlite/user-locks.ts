import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { configureConnection } from "../../util/sqlite-connection.js";
import { USER_LOCK_WAIT_MS, UserLocks, type UserLockRunner } from "../../memory/user-lock.js";
import { onSqliteFile, sqliteFailure } from "./errors.js";

/** A lock row older than this is taken over even if its process id still answers (reused ids). */
const MAX_HOLD_MS = 10 * 60_000;

/**
 * One writer per user across processes on one machine: the processes sharing a DATA_DIR (a
 * terminal chat, the dev server, the memories command, each with its memory worker draining the
 * same update queue) hold a row per user in a small SQLite file while they read, reconcile and write.
 * Taking, checking and freeing a row are short transactions; nothing stays locked in SQLite while
 * the model thinks. A row whose process is gone (killed) is taken over; a live holder is waited
 * for (polling), up to `waitMs`, then the update fails with a message (the worker retries it).
 */
export class FileUserLocks implements UserLockRunner {
  private readonly local = new UserLocks();
  private db?: Database.Database;

  constructor(
    readonly path: string,
    private readonly options: { waitMs?: number; pollMs?: number } = {},
  ) {}

  run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    // Writers of this process queue in memory; only the head of the queue polls the file.
    return this.local.run(userId, async () => {
      const owner = `${process.pid}:${randomUUID()}`;
      // Only the lock's own calls are classified as this file's failures: `work` has its own stores.
      await this.acquire(userId, owner).catch((error: unknown) => Promise.reject(sqliteFailure(this.path, error)));
      try {
        return await work();
      } finally {
        onSqliteFile(this.path, () =>
          this.connection().prepare("DELETE FROM user_locks WHERE user_id = ? AND owner = ?").run(userId, owner),
        );
      }
    });
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private async acquire(userId: string, owner: string): Promise<void> {
    const deadline = Date.now() + (this.options.waitMs ?? USER_LOCK_WAIT_MS);
    for (;;) {
      const holder = this.tryTake(userId, owner);
      if (!holder) return;
      if (Date.now() > deadline) {
        throw new Error(
          `The memory of this user has been updated by another process (pid ${holder.pid}) for ${Math.round((Date.now() - holder.at) / 1000)} s; try again later`,
        );
      }
      const poll = this.options.pollMs ?? 20;
      await new Promise((r) => setTimeout(r, poll / 2 + Math.random() * poll));
    }
  }

  /** Takes the row in one write transaction; returns the live holder when it is taken. */
  private tryTake(userId: string, owner: string): { pid: number; at: number } | undefined {
    const db = this.connection();
    return db
      .transaction(() => {
        const row = db.prepare("SELECT pid, at FROM user_locks WHERE user_id = ?").get(userId) as
          { pid: number; at: number } | undefined;
        const now = Date.now();
        if (row && isAlive(row.pid) && now - row.at < MAX_HOLD_MS) return row;
        db.prepare("INSERT OR REPLACE INTO user_locks (user_id, owner, pid, at) VALUES (?, ?, ?, ?)").run(
          userId,
          owner,
          process.pid,
          now,
        );
        return undefined;
      })
      .immediate();
  }

  private connection(): Database.Database {
    if (!this.db) {
      mkdirSync(dirname(resolve(this.path)), { recursive: true });
      const db = new Database(this.path);
      configureConnection(db);
      db.exec(
        "CREATE TABLE IF NOT EXISTS user_locks (user_id TEXT PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL, at INTEGER NOT NULL)",
      );
      this.db = db;
    }
    return this.db;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
