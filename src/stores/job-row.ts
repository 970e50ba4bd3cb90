import type { MemoryChange } from "../memory/types.js";
import type { JobPayload, JobState, MemoryJob } from "../memory/queue/types.js";

/**
 * A row of `memory_jobs` as both backends read it. Times are epoch ms: numbers from SQLite,
 * strings from PostgreSQL's bigint columns.
 */
export interface JobRow {
  id: string;
  user_id: string;
  payload: string;
  state: JobState;
  attempts: number;
  next_attempt_at: number | string;
  last_error: string | null;
  changes: string | null;
  created_at: number | string;
  updated_at: number | string;
}

export function jobFromRow(row: JobRow): MemoryJob {
  return {
    id: row.id,
    userId: row.user_id,
    payload: JSON.parse(row.payload) as JobPayload,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: new Date(Number(row.next_attempt_at)).toISOString(),
    lastError: row.last_error,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
    changes: row.changes ? (JSON.parse(row.changes) as MemoryChange[]) : null,
  };
}
