/** Tables of the embedded memory store, and the checks that keep one file usable by one embedder. */
import type Database from "better-sqlite3";

/** Bump when the tables change, and add the step that upgrades an older file. */
export const SCHEMA_VERSION = 1;

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS memories (
  seq INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  id TEXT NOT NULL,
  text TEXT NOT NULL,
  category TEXT NOT NULL,
  about TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  event_time TEXT,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  superseded_by TEXT,
  thread_id TEXT,
  source_id TEXT,
  hash TEXT NOT NULL,
  metadata TEXT NOT NULL,
  index_text TEXT NOT NULL,
  embedding BLOB NOT NULL,
  UNIQUE (user_id, id)
);
CREATE INDEX IF NOT EXISTS memories_user_hash ON memories (user_id, hash);
CREATE INDEX IF NOT EXISTS memories_user_created ON memories (user_id, created_at);

-- tokens: search/tokenize.ts output joined by spaces, so any language arrives pre-segmented.
-- unicode61 also splits at punctuation inside a token ("3.5"); queries quote each term as a phrase,
-- which splits it the same way. owner: a per-user token, so MATCH itself is scoped to the user.
CREATE VIRTUAL TABLE IF NOT EXISTS memories_fts USING fts5 (
  owner, user_id UNINDEXED, tokens, tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE IF NOT EXISTS history (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  memory_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  operation TEXT NOT NULL,
  old_text TEXT,
  new_text TEXT,
  at TEXT NOT NULL,
  thread_id TEXT,
  source_id TEXT
);
CREATE INDEX IF NOT EXISTS history_user_memory ON history (user_id, memory_id, seq);

-- Bumped by every write to a user's memories; readers compare it to drop stale in-process caches,
-- including after writes by another connection or process. Rows are never deleted.
CREATE TABLE IF NOT EXISTS user_versions (user_id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
`;

/** Creates the tables if missing and records or checks the schema version and embedding size. */
export function ensureSchema(db: Database.Database, path: string, dims: number): void {
  if (!Number.isInteger(dims) || dims <= 0) {
    throw new Error(`Embedding size must be a positive integer, got ${dims}`);
  }
  db.transaction(() => {
    db.exec(TABLES);
    const read = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
    const write = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    const version = read.get("schema_version");
    if (!version) write.run("schema_version", String(SCHEMA_VERSION));
    else if (Number(version.value) > SCHEMA_VERSION) {
      throw new Error(
        `The memory database ${path} has schema version ${version.value}, newer than this build reads ` +
          `(${SCHEMA_VERSION}): upgrade memory chat, or point DATA_DIR at another folder.`,
      );
    }
    const stored = read.get("dims");
    if (!stored) write.run("dims", String(dims));
    else if (Number(stored.value) !== dims) {
      throw new Error(
        `The memory database ${path} holds ${stored.value}-dimensional embeddings, but the embedding model ` +
          `now in use gives ${dims} dimensions. Vectors of different models cannot be compared: point ` +
          `DATA_DIR at a new folder for this model, re-embed the stored memories with it, or switch back ` +
          `to the model that produced ${stored.value}-dimensional vectors.`,
      );
    }
  }).immediate();
}

/** The embedding size recorded by an earlier init, or undefined for a file without tables. */
export function storedDims(db: Database.Database): number | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return undefined;
  const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'dims'").get();
  return row ? Number(row.value) : undefined;
}
