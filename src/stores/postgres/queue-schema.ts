/**
 * The Postgres queue's schema, as versioned migrations (src/util/postgres-migrations.ts): the
 * position of a step is its version. Append new steps; never edit one that has shipped.
 * Times are milliseconds since the epoch (bigint), as in the SQLite queue. Payloads are JSON in
 * text columns, not jsonb: jsonb refuses the \u0000 a user's message may contain.
 */
export const QUEUE_VERSION_TABLE = "memory_jobs_migrations";

export const QUEUE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE memory_jobs (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     user_id TEXT NOT NULL,
     payload TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
     attempts INTEGER NOT NULL DEFAULT 0,
     lost_runs INTEGER NOT NULL DEFAULT 0,
     next_attempt_at BIGINT NOT NULL,
     last_error TEXT,
     owner TEXT,
     owner_session INTEGER,
     lease_until BIGINT,
     changes TEXT,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE INDEX memory_jobs_state ON memory_jobs (state, seq);
   CREATE INDEX memory_jobs_user ON memory_jobs (user_id, state, seq);`,
];
