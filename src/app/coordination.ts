import { join } from "node:path";
import type { Settings } from "../config/settings.js";
import { FileUserLocks } from "../stores/sqlite/user-locks.js";
import { PostgresUserLocks } from "../stores/postgres/user-locks.js";
import { PostgresJobQueue } from "../stores/postgres/queue.js";
import { SqliteJobQueue } from "../stores/sqlite/queue.js";
import type { JobQueue } from "../memory/queue/types.js";
import type { UserLockRunner } from "../memory/user-lock.js";

/**
 * Where the processes of the product meet: the memory update queue and the per-user write lock.
 * With DATABASE_URL both live in PostgreSQL and span every app server on every machine; without
 * it, in files of DATA_DIR, shared by the processes of one machine.
 */
export function createJobQueue(settings: Settings): JobQueue {
  if (settings.DATABASE_URL) return new PostgresJobQueue(settings.DATABASE_URL);
  // In a file of its own: it takes a turn's update exactly when the memory store cannot.
  return new SqliteJobQueue(join(settings.DATA_DIR, "queue.db"));
}

export function createUserLocks(settings: Settings): UserLockRunner & { close(): void | Promise<void> } {
  if (settings.DATABASE_URL) return new PostgresUserLocks(settings.DATABASE_URL);
  return new FileUserLocks(join(settings.DATA_DIR, "locks.db"));
}
