import Database from "better-sqlite3";
import pRetry from "p-retry";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Migration, type MigrationPlan, migrate } from "../../util/sqlite-migrations.js";
import { FinishingQueue, type JobEnd } from "../../memory/queue/finishing.js";
import { jobFromRow, type JobRow } from "../job-row.js";
import { MAX_LOST_RUNS } from "../../memory/queue/retry-policy.js";
import {
  JOB_LIST_LIMIT,
  type JobPayload,
  type JobQueue,
  type ListJobsOptions,
  type MemoryJob,
} from "../../memory/queue/types.js";
import { classifyFailures } from "../boundary.js";
import { sqliteFailure } from "./errors.js";

/**
 * SQLite is waited for at most this long inside one call: the wait blocks the event loop (it is
 * SQLite's own sleep), so longer contention is waited for asynchronously (`untilFree`).
 */
const IN_CALL_BUSY_WAIT_MS = 20;
/** How long a call keeps retrying a busy database before it reports the error. */
const MAX_BUSY_WAIT_MS = 5_000;

/** Version 1: the table as it was before versioned migrations. */
const TABLES_V1 = `
CREATE TABLE IF NOT EXISTS memory_jobs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  lost_runs INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  owner TEXT,
  owner_pid INTEGER,
  lease_until INTEGER,
  changes TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS memory_jobs_state ON memory_jobs (state, seq);
CREATE INDEX IF NOT EXISTS memory_jobs_user ON memory_jobs (user_id, state, seq);
`;

/**
 * The queue file's migrations, in order; add a step to change the table. The version lives in
 * SQLite's own user_version slot (0 in files written before versioning, whose table step 1
 * leaves as it is).
 */
export const QUEUE_MIGRATIONS: readonly Migration<void>[] = [
  { version: 1, description: "memory_jobs", up: (db) => db.exec(TABLES_V1) },
];

function queuePlan(path: string): MigrationPlan<void> {
  return {
    migrations: QUEUE_MIGRATIONS,
    readVersion: (db) => db.pragma("user_version", { simple: true }) as number,
    writeVersion: (db, version) => db.pragma(`user_version = ${version}`),
    tooNew: (found, newest) =>
      new Error(
        `The memory update queue ${path} has schema version ${found}, newer than this build reads (${newest}): ` +
          "upgrade memory chat, or point DATA_DIR at another folder.",
      ),
  };
}

interface Row extends JobRow {
  seq: number;
}

/**
 * The memory update queue in a SQLite file of its own (`DATA_DIR/queue.db`): it must take a turn's
 * update exactly when the memory store is locked or down. Every call is one short transaction.
 */
export class SqliteJobQueue extends FinishingQueue implements JobQueue {
  private db?: Database.Database;
  private opening?: Promise<Database.Database>;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async enqueue(userId: string, payload: JobPayload, id: string = randomUUID()): Promise<MemoryJob> {
    const db = await this.connection();
    const at = this.now();
    await untilFree(() =>
      db
        .prepare(
          `INSERT INTO memory_jobs (id, user_id, payload, state, next_attempt_at, created_at, updated_at)
           VALUES (?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        )
        .run(id, userId, JSON.stringify(payload), at, at, at),
    );
    return (await this.get(id))!;
  }

  async claim(owner: string, leaseMs: number): Promise<MemoryJob | undefined> {
    const db = await this.connection();
    const row = await untilFree(() =>
      db
        .transaction(() => {
          const now = this.now();
          this.reclaimLost(db, now);
          // The head of its user (no earlier unfinished job of the same user), due, oldest first.
          return db
            .prepare(
              `UPDATE memory_jobs SET state = 'running', owner = ?, owner_pid = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
               WHERE seq = (
                 SELECT j.seq FROM memory_jobs j
                 WHERE j.state = 'queued' AND j.next_attempt_at <= ?
                   AND NOT EXISTS (SELECT 1 FROM memory_jobs e WHERE e.user_id = j.user_id AND e.seq < j.seq AND e.state IN ('queued', 'running'))
                 ORDER BY j.seq LIMIT 1)
               RETURNING *`,
            )
            .get(owner, process.pid, now + leaseMs, now, now) as Row | undefined;
        })
        .immediate(),
    );
    return row && jobFromRow(row);
  }

  /** Running jobs whose process is gone, or whose lease ran out, go back to the queue (or die). */
  private reclaimLost(db: Database.Database, now: number): void {
    const running = db.prepare("SELECT id, owner_pid, lease_until FROM memory_jobs WHERE state = 'running'").all() as {
      id: string;
      owner_pid: number;
      lease_until: number;
    }[];
    const lost = running.filter((r) => r.lease_until < now || (r.owner_pid !== process.pid && !isAlive(r.owner_pid)));
    const requeue = db.prepare(
      `UPDATE memory_jobs SET lost_runs = lost_runs + 1, owner = NULL, owner_pid = NULL, lease_until = NULL, updated_at = ?,
         state = CASE WHEN lost_runs + 1 >= ${MAX_LOST_RUNS} THEN 'dead' ELSE 'queued' END,
         last_error = CASE WHEN lost_runs + 1 >= ${MAX_LOST_RUNS}
           THEN 'the process running it died or stalled on ${MAX_LOST_RUNS} tries' ELSE last_error END
       WHERE id = ? AND state = 'running'`,
    );
    for (const r of lost) requeue.run(now, r.id);
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const db = await this.connection();
    const now = this.now();
    const result = await untilFree(() =>
      db
        .prepare("UPDATE memory_jobs SET lease_until = ? WHERE id = ? AND owner = ? AND state = 'running'")
        .run(now + leaseMs, id, owner),
    );
    return result.changes > 0;
  }

  protected async finish(id: string, owner: string, to: JobEnd): Promise<void> {
    const db = await this.connection();
    const now = this.now();
    await untilFree(() =>
      db
        .prepare(
          `UPDATE memory_jobs SET state = ?, last_error = ?, changes = COALESCE(?, changes), next_attempt_at = COALESCE(?, next_attempt_at),
             owner = NULL, owner_pid = NULL, lease_until = NULL, updated_at = ?
           WHERE id = ? AND owner = ?`,
        )
        .run(to.state, to.error, to.changes ?? null, to.next ?? null, now, id, owner),
    );
  }

  async get(id: string): Promise<MemoryJob | undefined> {
    const db = await this.connection();
    const row = db.prepare("SELECT * FROM memory_jobs WHERE id = ?").get(id) as Row | undefined;
    return row && jobFromRow(row);
  }

  async list(options: ListJobsOptions = {}): Promise<MemoryJob[]> {
    const db = await this.connection();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.userId !== undefined) {
      where.push("user_id = ?");
      params.push(options.userId);
    }
    if (options.state !== undefined) {
      where.push("state = ?");
      params.push(options.state);
    }
    const sql = `SELECT * FROM memory_jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq LIMIT ?`;
    return (db.prepare(sql).all(...params, options.limit ?? JOB_LIST_LIMIT) as Row[]).map(jobFromRow);
  }

  async retry(selection: { id?: string; userId?: string }): Promise<string[]> {
    const db = await this.connection();
    const now = this.now();
    const where = ["state IN ('dead', 'queued')"];
    const params: string[] = [];
    if (selection.id !== undefined) {
      where.push("id = ?");
      params.push(selection.id);
    }
    if (selection.userId !== undefined) {
      where.push("user_id = ?");
      params.push(selection.userId);
    }
    const rows = await untilFree(
      () =>
        db
          .prepare(
            `UPDATE memory_jobs SET state = 'queued', attempts = 0, lost_runs = 0, next_attempt_at = ?, updated_at = ?
           WHERE ${where.join(" AND ")} RETURNING id, seq`,
          )
          .all(now, now, ...params) as { id: string; seq: number }[],
    );
    return rows.sort((a, b) => a.seq - b.seq).map((r) => r.id);
  }

  async drop(id: string, userId?: string): Promise<boolean> {
    const db = await this.connection();
    const result = await untilFree(() =>
      userId === undefined
        ? db.prepare("DELETE FROM memory_jobs WHERE id = ? AND state != 'running'").run(id)
        : db.prepare("DELETE FROM memory_jobs WHERE id = ? AND user_id = ? AND state != 'running'").run(id, userId),
    );
    return result.changes > 0;
  }

  async nudge(userId: string): Promise<void> {
    const db = await this.connection();
    const now = this.now();
    await untilFree(() =>
      db
        .prepare(
          "UPDATE memory_jobs SET next_attempt_at = ? WHERE user_id = ? AND state = 'queued' AND next_attempt_at > ?",
        )
        .run(now, userId, now),
    );
  }

  async backlog(userId?: string): Promise<number> {
    const db = await this.connection();
    const row = (
      userId === undefined
        ? db.prepare("SELECT count(*) AS n FROM memory_jobs WHERE state IN ('queued', 'running')").get()
        : db
            .prepare("SELECT count(*) AS n FROM memory_jobs WHERE state IN ('queued', 'running') AND user_id = ?")
            .get(userId)
    ) as { n: number };
    return row.n;
  }

  async nextDueAt(): Promise<number | undefined> {
    const db = await this.connection();
    // Only the heads of their users: a job waiting behind an earlier one of its user is not due, whatever its time.
    const row = db
      .prepare(
        `SELECT min(j.next_attempt_at) AS at FROM memory_jobs j
         WHERE j.state = 'queued'
           AND NOT EXISTS (SELECT 1 FROM memory_jobs e WHERE e.user_id = j.user_id AND e.seq < j.seq AND e.state IN ('queued', 'running'))`,
      )
      .get() as { at: number | null };
    return row.at ?? undefined;
  }

  async forgetUser(userId: string): Promise<number> {
    const db = await this.connection();
    return (await untilFree(() => db.prepare("DELETE FROM memory_jobs WHERE user_id = ?").run(userId))).changes;
  }

  async prune(before: Date): Promise<number> {
    const db = await this.connection();
    return (
      await untilFree(() =>
        db.prepare("DELETE FROM memory_jobs WHERE state = 'done' AND updated_at < ?").run(before.getTime()),
      )
    ).changes;
  }

  async close(): Promise<void> {
    const db = await this.opening?.catch(() => undefined);
    db?.close();
    this.db = undefined;
    this.opening = undefined;
  }

  /** Opens the file on first use; a busy database while it is set up is waited for without blocking. */
  private connection(): Promise<Database.Database> {
    if (this.db) return Promise.resolve(this.db);
    this.opening ??= (async () => {
      mkdirSync(dirname(resolve(this.path)), { recursive: true });
      const db = new Database(this.path);
      try {
        db.pragma(`busy_timeout = ${IN_CALL_BUSY_WAIT_MS}`);
        await untilFree(() => db.pragma("journal_mode = WAL"));
        db.pragma("synchronous = NORMAL");
        await untilFree(() => migrate(db, queuePlan(this.path), undefined));
      } catch (error) {
        db.close();
        throw error;
      }
      this.db = db;
      return db;
    })();
    this.opening.catch(() => (this.opening = undefined));
    return this.opening;
  }
}

// A locked, unopenable or closed file leaves every method as StoreUnavailableError.
classifyFailures(SqliteJobQueue, (store, error) => sqliteFailure(store.path, error));

/** Runs a statement; while another process holds the write lock, waits for it off the event loop. */
function untilFree<T>(step: () => T): Promise<T> {
  return pRetry(async () => step(), {
    retries: Number.POSITIVE_INFINITY,
    maxRetryTime: MAX_BUSY_WAIT_MS,
    factor: 1,
    minTimeout: 2,
    maxTimeout: 12,
    randomize: true,
    shouldRetry: ({ error }) => String((error as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY"),
  });
}

function isAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
