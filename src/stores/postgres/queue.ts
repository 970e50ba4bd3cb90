import { randomUUID } from "node:crypto";
import type pg from "pg";
import { ADVISORY_LOCK_SPACE, advisoryKey, postgresPool } from "../../util/postgres.js";
import { migrate } from "../../util/postgres-migrations.js";
import { FinishingQueue, type JobEnd } from "../../memory/queue/finishing.js";
import { jobFromRow, type JobRow } from "../job-row.js";
import { MAX_LOST_RUNS } from "../../memory/queue/retry-policy.js";
import { QUEUE_MIGRATIONS, QUEUE_VERSION_TABLE } from "./queue-schema.js";
import { sessionGoneSql, WorkerSession } from "./worker-session.js";
import { postgresFailure } from "./errors.js";
import { classifyFailures } from "../boundary.js";
import {
  JOB_LIST_LIMIT,
  type JobPayload,
  type JobQueue,
  type ListJobsOptions,
  type MemoryJob,
} from "../../memory/queue/types.js";

/** How often a claiming queue looks for claims of lost workers (by its clock). */
const RECLAIM_EVERY_MS = 50;

interface Row extends JobRow {
  seq: string;
}

/**
 * The memory update queue in PostgreSQL (DATABASE_URL): one queue for every app server on every
 * machine, with the SQLite queue's states, per-user order, leases and retry policy (the worker's).
 * Workers claim with `FOR UPDATE SKIP LOCKED`, so they never wait on each other's claims; a claim
 * whose worker's session is gone, or whose lease ran out, is taken back (WorkerSession). Times are
 * milliseconds since the epoch from `now`, as in the SQLite queue, so tests can move the clock.
 */
export class PostgresJobQueue extends FinishingQueue implements JobQueue {
  private readonly pool: pg.Pool;
  private readonly session: WorkerSession;
  private ready?: Promise<void>;
  private reclaimedAt = -Infinity;

  constructor(
    readonly url: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.pool = postgresPool(url, { max: 4 });
    this.session = new WorkerSession(url);
  }

  async enqueue(userId: string, payload: JobPayload, id: string = randomUUID()): Promise<MemoryJob> {
    await this.schema();
    const at = this.now();
    // The job's place (seq) is taken, and committed, under the user's lock (held to the end of
    // this one-statement transaction): a later job of the user can never become visible before
    // an earlier one and run first. The lock's row is read before the insert numbers its row.
    const { rows } = await this.pool.query<Row>(
      `WITH user_lock AS (SELECT pg_advisory_xact_lock($1, $2))
       INSERT INTO memory_jobs (id, user_id, payload, state, next_attempt_at, created_at, updated_at)
       SELECT $3, $4, $5, 'queued', $6, $6, $6 FROM user_lock
       ON CONFLICT (id) DO NOTHING
       RETURNING *`,
      [ADVISORY_LOCK_SPACE.userEnqueue, advisoryKey(userId), id, userId, JSON.stringify(payload), at],
    );
    return rows[0] ? jobFromRow(rows[0]) : (await this.get(id))!;
  }

  async claim(owner: string, leaseMs: number): Promise<MemoryJob | undefined> {
    await this.schema();
    const session = await this.session.key();
    const now = this.now();
    // Looking for lost claims costs a scan of the lock table:
    // busy workers look every RECLAIM_EVERY_MS, not on every claim.
    if (now - this.reclaimedAt >= RECLAIM_EVERY_MS) {
      this.reclaimedAt = now;
      await this.reclaimLost(now);
    }
    // The head of its user (no earlier unfinished job of the same user), due, oldest first; a row
    // another worker is claiming right now is skipped, not waited for.
    const { rows } = await this.pool.query<Row>(
      `WITH next AS (
         SELECT j.seq FROM memory_jobs j
         WHERE j.state = 'queued' AND j.next_attempt_at <= $4
           AND NOT EXISTS (SELECT 1 FROM memory_jobs e WHERE e.user_id = j.user_id AND e.seq < j.seq AND e.state IN ('queued', 'running'))
         ORDER BY j.seq LIMIT 1
         FOR UPDATE SKIP LOCKED)
       UPDATE memory_jobs SET state = 'running', owner = $1, owner_session = $2, lease_until = $3, attempts = attempts + 1, updated_at = $4
       FROM next WHERE memory_jobs.seq = next.seq
       RETURNING memory_jobs.*`,
      [owner, session, now + leaseMs, now],
    );
    return rows[0] && jobFromRow(rows[0]);
  }

  /** Running jobs whose worker's session is gone, or whose lease ran out, go back to the queue (or die). */
  private async reclaimLost(now: number): Promise<void> {
    await this.pool.query(
      `UPDATE memory_jobs SET lost_runs = lost_runs + 1, owner = NULL, owner_session = NULL, lease_until = NULL, updated_at = $1,
         state = CASE WHEN lost_runs + 1 >= ${MAX_LOST_RUNS} THEN 'dead' ELSE 'queued' END,
         last_error = CASE WHEN lost_runs + 1 >= ${MAX_LOST_RUNS}
           THEN 'the process running it died or stalled on ${MAX_LOST_RUNS} tries' ELSE last_error END
       WHERE state = 'running' AND (lease_until < $1 OR (owner_session IS NOT NULL AND ${sessionGoneSql("owner_session", "$2")}))`,
      [now, ADVISORY_LOCK_SPACE.workerSession],
    );
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    await this.schema();
    const result = await this.pool.query(
      "UPDATE memory_jobs SET lease_until = $1 WHERE id = $2 AND owner = $3 AND state = 'running'",
      [this.now() + leaseMs, id, owner],
    );
    return (result.rowCount ?? 0) > 0;
  }

  protected async finish(id: string, owner: string, to: JobEnd): Promise<void> {
    await this.schema();
    await this.pool.query(
      `UPDATE memory_jobs SET state = $1, last_error = $2, changes = COALESCE($3, changes), next_attempt_at = COALESCE($4, next_attempt_at),
         owner = NULL, owner_session = NULL, lease_until = NULL, updated_at = $5
       WHERE id = $6 AND owner = $7`,
      [to.state, to.error, to.changes ?? null, to.next ?? null, this.now(), id, owner],
    );
  }

  async get(id: string): Promise<MemoryJob | undefined> {
    await this.schema();
    const { rows } = await this.pool.query<Row>("SELECT * FROM memory_jobs WHERE id = $1", [id]);
    return rows[0] && jobFromRow(rows[0]);
  }

  async list(options: ListJobsOptions = {}): Promise<MemoryJob[]> {
    await this.schema();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.userId !== undefined) {
      params.push(options.userId);
      where.push(`user_id = $${params.length}`);
    }
    if (options.state !== undefined) {
      params.push(options.state);
      where.push(`state = $${params.length}`);
    }
    params.push(options.limit ?? JOB_LIST_LIMIT);
    const sql = `SELECT * FROM memory_jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq LIMIT $${params.length}`;
    return (await this.pool.query<Row>(sql, params)).rows.map(jobFromRow);
  }

  async retry(selection: { id?: string; userId?: string }): Promise<string[]> {
    await this.schema();
    const now = this.now();
    const where = ["state IN ('dead', 'queued')"];
    const params: (string | number)[] = [now];
    if (selection.id !== undefined) {
      params.push(selection.id);
      where.push(`id = $${params.length}`);
    }
    if (selection.userId !== undefined) {
      params.push(selection.userId);
      where.push(`user_id = $${params.length}`);
    }
    const { rows } = await this.pool.query<{ id: string; seq: string }>(
      `UPDATE memory_jobs SET state = 'queued', attempts = 0, lost_runs = 0, next_attempt_at = $1, updated_at = $1
       WHERE ${where.join(" AND ")} RETURNING id, seq`,
      params,
    );
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((r) => r.id);
  }

  async drop(id: string, userId?: string): Promise<boolean> {
    await this.schema();
    const result =
      userId === undefined
        ? await this.pool.query("DELETE FROM memory_jobs WHERE id = $1 AND state != 'running'", [id])
        : await this.pool.query("DELETE FROM memory_jobs WHERE id = $1 AND user_id = $2 AND state != 'running'", [
            id,
            userId,
          ]);
    return (result.rowCount ?? 0) > 0;
  }

  async nudge(userId: string): Promise<void> {
    await this.schema();
    const now = this.now();
    await this.pool.query(
      "UPDATE memory_jobs SET next_attempt_at = $1 WHERE user_id = $2 AND state = 'queued' AND next_attempt_at > $1",
      [now, userId],
    );
  }

  async backlog(userId?: string): Promise<number> {
    await this.schema();
    const { rows } =
      userId === undefined
        ? await this.pool.query<{ n: string }>(
            "SELECT count(*) AS n FROM memory_jobs WHERE state IN ('queued', 'running')",
          )
        : await this.pool.query<{ n: string }>(
            "SELECT count(*) AS n FROM memory_jobs WHERE state IN ('queued', 'running') AND user_id = $1",
            [userId],
          );
    return Number(rows[0].n);
  }

  async nextDueAt(): Promise<number | undefined> {
    await this.schema();
    // Only the heads of their users: a job waiting behind an earlier one of its user is not due, whatever its time.
    const { rows } = await this.pool.query<{ at: string | null }>(
      `SELECT min(j.next_attempt_at) AS at FROM memory_jobs j
       WHERE j.state = 'queued'
         AND NOT EXISTS (SELECT 1 FROM memory_jobs e WHERE e.user_id = j.user_id AND e.seq < j.seq AND e.state IN ('queued', 'running'))`,
    );
    return rows[0].at === null ? undefined : Number(rows[0].at);
  }

  async forgetUser(userId: string): Promise<number> {
    await this.schema();
    return (await this.pool.query("DELETE FROM memory_jobs WHERE user_id = $1", [userId])).rowCount ?? 0;
  }

  async prune(before: Date): Promise<number> {
    await this.schema();
    return (
      (await this.pool.query("DELETE FROM memory_jobs WHERE state = 'done' AND updated_at < $1", [before.getTime()]))
        .rowCount ?? 0
    );
  }

  async close(): Promise<void> {
    await this.session.close();
    await this.pool.end().catch(() => undefined);
  }

  /** Creates or migrates the queue's tables on first use; a failure is retried on the next call. */
  private schema(): Promise<void> {
    this.ready ??= migrate(this.pool, QUEUE_VERSION_TABLE, QUEUE_MIGRATIONS).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }
}

/** What unsetting DATABASE_URL falls back to, for the messages. */
const QUEUE_FALLBACK = "the update queue in DATA_DIR/queue.db";

// A server that cannot be reached leaves every method as StoreUnavailableError.
classifyFailures(PostgresJobQueue, (queue, error) => postgresFailure(queue.url, error, QUEUE_FALLBACK));
