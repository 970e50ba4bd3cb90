import type pg from "pg";
import { ADVISORY_LOCK_SPACE, advisoryKey, postgresPool } from "../../util/postgres.js";
import { USER_LOCK_WAIT_MS, UserLocks, type UserLockRunner } from "../../memory/user-lock.js";
import { postgresFailure } from "./errors.js";

/** PostgreSQL's SQLSTATE for "lock_timeout ran out". */
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * One writer per user across every app server sharing DATABASE_URL, whatever machine it runs on:
 * a session-level advisory lock (`pg_advisory_lock`) keyed by the user id, held on a connection
 * of this process for as long as the update reads, reconciles and writes. The server frees it the
 * moment that connection ends, so a holder that is killed or loses its machine blocks nobody.
 * A live holder is waited for up to `waitMs` (lock_timeout), then the update fails with a message
 * (the worker retries it).
 */
export class PostgresUserLocks implements UserLockRunner {
  private readonly local = new UserLocks();
  private readonly pool: pg.Pool;

  constructor(
    readonly url: string,
    private readonly options: { waitMs?: number } = {},
  ) {
    this.pool = postgresPool(url, { lock_timeout: options.waitMs ?? USER_LOCK_WAIT_MS });
  }

  run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    // Writers of this process queue in memory, so a user never holds two connections here.
    return this.local.run(userId, async () => {
      const session = await this.pool.connect().catch((error: unknown) => Promise.reject(this.failure(error)));
      let lost: Error | undefined;
      const onError = (error: Error) => (lost = error);
      // A connection that breaks mid-update has lost the lock with it; its error must not end the process.
      session.on("error", onError);
      const key = [ADVISORY_LOCK_SPACE.userWrite, advisoryKey(userId)];
      try {
        await session.query("SELECT pg_advisory_lock($1, $2)", key);
      } catch (error) {
        session.off("error", onError);
        const timedOut = (error as { code?: unknown }).code === LOCK_NOT_AVAILABLE;
        // A lock wait that timed out leaves a healthy session; any other error may not.
        session.release(timedOut ? undefined : (error as Error));
        if (timedOut) {
          throw new Error(
            `The memory of this user has been updated by another process for over ${Math.round((this.options.waitMs ?? USER_LOCK_WAIT_MS) / 1000)} s; try again later`,
          );
        }
        throw this.failure(error);
      }
      try {
        return await work();
      } finally {
        // Ending the session frees its locks, whatever state it is in: done when the session was
        // lost or the unlock fails.
        const failure =
          lost ??
          (await session.query("SELECT pg_advisory_unlock($1, $2)", key).then(
            () => undefined,
            (error: Error) => error,
          ));
        session.off("error", onError);
        session.release(failure);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  /** A server that cannot be reached as StoreUnavailableError (the lock's own calls only: `work` has its stores). */
  private failure(error: unknown): unknown {
    return postgresFailure(this.url, error, "the user locks in DATA_DIR/locks.db");
  }
}
