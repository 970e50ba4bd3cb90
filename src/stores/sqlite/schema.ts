/**
 * Tables of the embedded memory store (memories, history, the memory map), their versioned
 * migrations, and the checks that keep one file usable by one embedder.
 */
import type Database from "better-sqlite3";
import { type Migration, type MigrationPlan, migrate } from "../../util/sqlite-migrations.js";

/** Version 1: the tables as they were before versioned migrations (files record "1" in meta). */
const TABLES_V1 = `
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

/** Version 2: the memory map. Every row carries its user id, and every query names it. */
const ENTITY_TABLES_V2 = `
CREATE TABLE IF NOT EXISTS entities (
  user_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  aliases TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memory_entities (
  user_id TEXT NOT NULL,
  memory_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  PRIMARY KEY (user_id, memory_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS memory_entities_entity ON memory_entities (user_id, entity_id);
CREATE TABLE IF NOT EXISTS entity_relations (
  user_id TEXT NOT NULL,
  id TEXT NOT NULL,
  from_id TEXT NOT NULL,
  type TEXT NOT NULL,
  to_id TEXT NOT NULL,
  memory_id TEXT,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  superseded_by TEXT,
  PRIMARY KEY (user_id, id)
) WITHOUT ROWID;
`;

/**
 * Version 4: feedback, use and expiry (memory/feedback.ts, memory/use.ts). Rows written before it
 * read as lasting, weight 1, never used.
 */
const USAGE_COLUMNS_V4 = `
ALTER TABLE memories ADD COLUMN expires_at TEXT;
ALTER TABLE memories ADD COLUMN weight REAL NOT NULL DEFAULT 1;
ALTER TABLE memories ADD COLUMN use_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memories ADD COLUMN last_used_at TEXT;
`;

/** Version 5: the user model's profile and the topics of the user's questions (the interest trend). */
const PROFILE_TABLES_V5 = `
CREATE TABLE IF NOT EXISTS user_profiles (
  user_id TEXT PRIMARY KEY,
  summary TEXT NOT NULL,
  source TEXT NOT NULL,
  memory_count INTEGER NOT NULL,
  refreshed_at TEXT,
  pending_since TEXT,
  note TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS user_questions (
  user_id TEXT NOT NULL,
  id TEXT NOT NULL,
  at TEXT NOT NULL,
  topics TEXT NOT NULL,
  PRIMARY KEY (user_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS user_questions_at ON user_questions (user_id, at);
`;

/** The first version with the profile tables. */
const PROFILE_VERSION = 5;

interface MigrationContext {
  /** The embedding size of the model now in use; recorded for a new file. */
  dims: number;
}

/** The steps from an empty file to the newest version, in order; add a step to change the tables. */
const MIGRATIONS: readonly Migration<MigrationContext>[] = [
  {
    version: 1,
    description: "memories, full-text index, history, user versions",
    up: (db, { dims }) => {
      db.exec(TABLES_V1);
      db.prepare("INSERT INTO meta (key, value) VALUES ('dims', ?) ON CONFLICT (key) DO NOTHING").run(String(dims));
    },
  },
  {
    version: 2,
    description: "the memory map: entities, their memories, their relations",
    up: (db) => db.exec(ENTITY_TABLES_V2),
  },
  {
    // The lexical ranking moved into the process (search/bm25.ts, per user): FTS5's bm25() read and
    // scored every match in SQL, 20-60 ms at 100k memories, and its statistics spanned all users.
    // The tokens it held move to a column, so a snapshot need not segment every text again.
    version: 3,
    description: "lexical tokens on memories, FTS5 index dropped",
    up: (db) => {
      db.exec("ALTER TABLE memories ADD COLUMN tokens TEXT NOT NULL DEFAULT ''");
      db.exec(
        "UPDATE memories SET tokens = coalesce((SELECT tokens FROM memories_fts WHERE rowid = memories.seq), '')",
      );
      db.exec("DROP TABLE memories_fts");
    },
  },
  {
    version: 4,
    description: "feedback weight, use count, last use and expiry of memories",
    up: (db) => db.exec(USAGE_COLUMNS_V4),
  },
  {
    version: PROFILE_VERSION,
    description: "the user model: profiles and the topics of questions",
    up: (db) => db.exec(PROFILE_TABLES_V5),
  },
  {
    version: 6,
    description: "why a change was made, on history lines",
    up: (db) => db.exec("ALTER TABLE history ADD COLUMN reason TEXT"),
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The version lives in meta.schema_version, where version 1 already kept it. */
const metaVersion: Pick<MigrationPlan<MigrationContext>, "readVersion" | "writeVersion"> = {
  readVersion: (db) => {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    const row = hasMeta
      ? db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get()
      : undefined;
    return row ? Number(row.value) : 0;
  },
  writeVersion: (db, version) => {
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(String(version));
  },
};

/** Brings the file to the newest version (one transaction) and checks that its embedding size is the model's. */
export function ensureSchema(db: Database.Database, path: string, dims: number): void {
  if (!Number.isInteger(dims) || dims <= 0) {
    throw new Error(`Embedding size must be a positive integer, got ${dims}`);
  }
  db.transaction(() => {
    const stored = storedDims(db);
    // A file of another model is refused before any step touches it.
    if (stored !== undefined && stored !== dims) throw dimsMismatch(path, stored, dims);
    migrate(
      db,
      { migrations: MIGRATIONS, ...metaVersion, tooNew: (found, newest) => tooNew(path, found, newest) },
      { dims },
    );
  }).immediate();
}

/** True once the file has the memory map's tables (version 2 and later). */
export function hasEntityTables(db: Database.Database): boolean {
  return metaVersion.readVersion(db) >= 2;
}

/** True once the file has the profile tables. */
export function hasProfileTables(db: Database.Database): boolean {
  return metaVersion.readVersion(db) >= PROFILE_VERSION;
}

function tooNew(path: string, found: number, newest: number): Error {
  return new Error(
    `The memory database ${path} has schema version ${found}, newer than this build reads ` +
      `(${newest}): upgrade memory chat, or point DATA_DIR at another folder.`,
  );
}

function dimsMismatch(path: string, stored: number, dims: number): Error {
  return new Error(
    `The memory database ${path} holds ${stored}-dimensional embeddings, but the embedding model ` +
      `now in use gives ${dims} dimensions. Vectors of different models cannot be compared: point ` +
      `DATA_DIR at a new folder for this model, re-embed the stored memories with it, or switch back ` +
      `to the model that produced ${stored}-dimensional vectors.`,
  );
}

/** The embedding size recorded by an earlier init, or undefined for a file without tables. */
export function storedDims(db: Database.Database): number | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return undefined;
  const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'dims'").get();
  return row ? Number(row.value) : undefined;
}
