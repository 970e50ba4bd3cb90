import { createHash } from "node:crypto";
import pg from "pg";

/**
 * The first key of every advisory lock this product takes (the two-key form), so its locks never
 * meet those of another application on the same database. The second key says what is locked.
 */
export const ADVISORY_LOCK_SPACE = {
  migrations: 0x6d630001,
  userWrite: 0x6d630002,
  userEnqueue: 0x6d630004,
  workerSession: 0x6d630003,
} as const;

/** A 32-bit advisory lock key for a text (a user id, a table name), the same in every process. */
export function advisoryKey(text: string): number {
  return createHash("sha256").update(text).digest().readInt32BE(0);
}

/** A connection pool on DATABASE_URL. */
export function postgresPool(url: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, keepAlive: true, ...options });
  // An idle connection the server closed (restart, idle timeout) is dropped by the pool and
  // replaced on the next query; without a listener its error would end the process.
  pool.on("error", () => undefined);
  return pool;
}
