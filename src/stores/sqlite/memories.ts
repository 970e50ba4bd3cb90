import type Database from "better-sqlite3";
import type { HistoryEntry, MemoryRecord } from "../../memory/types.js";
import { normalize } from "../../search/vector.js";
import { candidateCount, definedMarks, fuseCandidates, listPage, visibleRecords } from "../shared.js";
import {
  type HistoryRow,
  historyToRow,
  MEMORY_COLUMNS,
  type MemoryRow,
  type MemoryRowWithEmbedding,
  recordToRow,
  rowToHistory,
  rowToRecord,
} from "./rows.js";
import { openSqliteFile } from "../../util/sqlite-connection.js";
import { ensureSchema, storedDims } from "./schema.js";
import { SnapshotCache, UserSnapshot } from "./snapshot.js";
import type { ListOptions, MemoryMarks, MemoryStore, StoreHit, StoreSearchQuery } from "../../memory/store.js";
import { DimensionMismatchError } from "../../memory/store.js";
import { classifyFailures } from "../boundary.js";
import { onSqliteFile, sqliteFailure } from "./errors.js";

/**
 * The embedded default: one SQLite file (WAL) holding memories with their embeddings and lexical
 * tokens, and history. Several connections and processes may share the file. Search runs in
 * process over a per-user snapshot (vectors, their bytes, a BM25 index: sqlite/snapshot.ts) that is
 * reloaded when the user's version row changes, and patched in place after this store's writes.
 */
export class SqliteMemoryStore implements MemoryStore {
  readonly name = "sqlite";
  private readonly db: Database.Database;
  private readonly snapshots = new SnapshotCache();
  private statements?: Statements;
  private dims = 0;

  constructor(readonly path: string) {
    this.db = onSqliteFile(path, () => openSqliteFile(path));
  }

  /** The one connection of this process to the file: the entity and profile stores share it. */
  get connection(): Database.Database {
    return this.db;
  }

  async init(dims: number): Promise<void> {
    ensureSchema(this.db, this.path, dims);
    this.dims = dims;
    this.statements ??= prepareStatements(this.db);
  }

  /** Statements, prepared on first use; a file set up by an earlier init needs no second init. */
  private get sql(): Statements {
    if (!this.statements) {
      const dims = storedDims(this.db);
      if (dims === undefined) {
        throw new Error(`The memory database ${this.path} has no tables yet: call init(dims) before using it`);
      }
      this.dims = dims;
      this.statements = prepareStatements(this.db);
    }
    return this.statements;
  }

  async put(records: MemoryRecord[], vectors: number[][]): Promise<void> {
    const sql = this.sql;
    if (records.length !== vectors.length) {
      throw new Error(`put got ${records.length} records but ${vectors.length} embeddings`);
    }
    vectors.forEach((v, i) => this.assertDims(v, `Embedding of memory ${records[i].id}`));
    const written: { seq: number; row: MemoryRowWithEmbedding }[] = [];
    const versions = this.db
      .transaction(() => {
        for (const [i, r] of records.entries()) {
          const row = recordToRow(r, normalize(vectors[i]));
          const seq = sql.upsertMemory.get(row)!;
          written.push({ seq, row: { ...row, seq } });
        }
        return this.bumpVersions(new Set(records.map((r) => r.userId)));
      })
      .immediate();
    this.patchSnapshots(versions, (userId, snap) => {
      for (const { seq, row } of written)
        if (row.user_id === userId) snap.upsert(seq, rowToRecord(row), row.embedding, row.tokens);
    });
  }

  async get(userId: string, id: string): Promise<MemoryRecord | null> {
    const row = this.sql.getById.get(userId, id);
    return row ? rowToRecord(row) : null;
  }

  async getByHashes(userId: string, hashes: string[]): Promise<MemoryRecord[]> {
    if (hashes.length === 0) return [];
    const found = new Map<string, MemoryRecord>();
    for (const row of this.sql.getByHashes.all(userId, JSON.stringify([...new Set(hashes)]))) {
      if (!found.has(row.hash)) found.set(row.hash, rowToRecord(row));
    }
    return [...found.values()];
  }

  async list(userId: string, options: ListOptions = {}): Promise<MemoryRecord[]> {
    return this.read(() => listPage(this.snapshot(userId).records, options));
  }

  async count(userId: string, options: ListOptions = {}): Promise<number> {
    return this.read(() => visibleRecords(this.snapshot(userId).records, options).length);
  }

  async listUsers(limit: number): Promise<string[]> {
    // Walks the (user_id, hash) index: one step per user, not per memory.
    const rows = this.db.prepare("SELECT DISTINCT user_id FROM memories ORDER BY user_id LIMIT ?").all(limit) as {
      user_id: string;
    }[];
    return rows.map((r) => r.user_id);
  }

  async search(query: StoreSearchQuery): Promise<StoreHit[]> {
    if (query.vector) this.assertDims(query.vector, "Query embedding");
    return this.read(() => {
      const snap = this.snapshot(query.userId);
      if (snap.size === 0) return [];
      const eligible = snap.eligible(query.validity, query.period, query.filter);
      if (eligible.count === 0) return [];
      const candidates = candidateCount(query.limit);
      const dense = query.vector ? snap.denseRanking(query.vector, candidates, eligible) : [];
      const lexical = query.terms?.length ? snap.lexicalRanking(query.terms, candidates, eligible) : [];
      const candidate = ({ position, score }: { position: number; score: number }) => ({
        id: snap.records[position].id,
        score,
      });
      const byId = new Map(
        [...dense, ...lexical].map(({ position }) => [snap.records[position].id, snap.records[position]]),
      );
      return fuseCandidates(
        dense.map(candidate),
        lexical.map(candidate),
        query.limit,
        (id) => byId.get(id)!,
        query.coverage,
        query.terms,
      );
    });
  }

  async delete(userId: string, ids: string[]): Promise<number> {
    const sql = this.sql;
    const removed: number[] = [];
    const versions = this.db
      .transaction(() => {
        for (const id of ids) {
          const seq = sql.seqOf.get(userId, id);
          if (seq === undefined) continue;
          if (sql.deleteMemory.run(seq, userId).changes > 0) removed.push(seq);
        }
        return removed.length > 0 ? this.bumpVersions(new Set([userId])) : new Map<string, number>();
      })
      .immediate();
    this.patchSnapshots(versions, (_, snap) => removed.forEach((seq) => snap.remove(seq)));
    return removed.length;
  }

  async mark(userId: string, id: string, marks: MemoryMarks): Promise<boolean> {
    const sql = this.sql;
    const { changed, versions } = this.db
      .transaction(() => {
        const row = sql.getById.get(userId, id);
        if (!row) return { changed: undefined, versions: new Map<string, number>() };
        const record = { ...rowToRecord(row), ...definedMarks(marks) };
        sql.mark.run({ seq: row.seq, weight: record.weight, valid_to: record.validTo, updated_at: record.updatedAt });
        return { changed: { seq: row.seq, record }, versions: this.bumpVersions(new Set([userId])) };
      })
      .immediate();
    if (changed) this.patchSnapshots(versions, (_, snap) => snap.replaceRecord(changed.seq, changed.record));
    return changed !== undefined;
  }

  async recordUse(userId: string, ids: string[], at: string): Promise<number> {
    const sql = this.sql;
    const { used, versions } = this.db
      .transaction(() => {
        // One UPDATE per id counts atomically, so writers in several processes never lose a use.
        const used = [...new Set(ids)].flatMap((id) => sql.recordUse.all(at, userId, id));
        return { used, versions: used.length ? this.bumpVersions(new Set([userId])) : new Map<string, number>() };
      })
      .immediate();
    this.patchSnapshots(versions, (_, snap) => used.forEach((row) => snap.replaceRecord(row.seq, rowToRecord(row))));
    return used.length;
  }

  async appendHistory(entries: HistoryEntry[]): Promise<void> {
    const sql = this.sql;
    this.db.transaction(() => entries.forEach((e) => sql.insertHistory.run(historyToRow(e)))).immediate();
  }

  async history(userId: string, memoryId: string): Promise<HistoryEntry[]> {
    return this.sql.historyOf.all(userId, memoryId).map(rowToHistory);
  }

  async forgetUser(userId: string): Promise<{ memories: number; history: number }> {
    const sql = this.sql;
    const counts = this.db
      .transaction(() => {
        const memories = sql.deleteMemoriesOfUser.run(userId).changes;
        const history = sql.deleteHistoryOfUser.run(userId).changes;
        sql.bumpVersion.run(userId);
        return { memories, history };
      })
      .immediate();
    this.snapshots.delete(userId);
    return counts;
  }

  async close(): Promise<void> {
    this.snapshots.clear();
    if (this.db.open) this.db.close();
  }

  /** Bumps the users' version rows (inside a write transaction); returns each user's previous version. */
  private bumpVersions(userIds: Set<string>): Map<string, number> {
    const previous = new Map<string, number>();
    for (const u of userIds) {
      previous.set(u, this.sql.version.get(u) ?? 0);
      this.sql.bumpVersion.run(u);
    }
    return previous;
  }

  /**
   * After a committed write: a cached snapshot that was current just before it gets the same change
   * applied in place (no reload after our own writes); one that was already stale is dropped.
   */
  private patchSnapshots(previous: Map<string, number>, apply: (userId: string, snap: UserSnapshot) => void): void {
    for (const [userId, version] of previous) {
      const snap = this.snapshots.get(userId);
      if (!snap) continue;
      if (snap.version !== version) {
        this.snapshots.delete(userId);
        continue;
      }
      apply(userId, snap);
      snap.version = version + 1;
    }
  }

  /** Runs reads in one transaction, so the version check, snapshot and index agree. */
  private read<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  /** The user's snapshot, reloaded if any connection changed the user's memories since it was taken. */
  private snapshot(userId: string): UserSnapshot {
    const version = this.sql.version.get(userId) ?? 0;
    const cached = this.snapshots.get(userId);
    if (cached?.version === version) return cached;
    const snapshot = UserSnapshot.fromRows(version, this.sql.allOfUser.all(userId), this.dims);
    this.snapshots.set(userId, snapshot);
    return snapshot;
  }

  private assertDims(vector: number[], what: string): void {
    if (vector.length !== this.dims) {
      throw new DimensionMismatchError(
        `${what} has ${vector.length} dimensions, the store was set up for ${this.dims}`,
      );
    }
  }
}

// A locked, unopenable or closed file leaves every method as StoreUnavailableError.
classifyFailures(SqliteMemoryStore, (store, error) => sqliteFailure(store.path, error));

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  const memoryFields = MEMORY_COLUMNS.replace("seq, ", "") + ", embedding, tokens";
  const params = memoryFields
    .split(", ")
    .map((c) => "@" + c)
    .join(", ");
  const updates = memoryFields
    .split(", ")
    .filter((c) => c !== "user_id" && c !== "id")
    .map((c) => `${c} = excluded.${c}`)
    .join(", ");
  return {
    upsertMemory: db
      .prepare<[Omit<MemoryRowWithEmbedding, "seq">], number>(
        `INSERT INTO memories (${memoryFields}) VALUES (${params})
         ON CONFLICT (user_id, id) DO UPDATE SET ${updates} RETURNING seq`,
      )
      .pluck(),
    bumpVersion: db.prepare<[string]>(
      `INSERT INTO user_versions (user_id, version) VALUES (?, 1)
       ON CONFLICT (user_id) DO UPDATE SET version = version + 1`,
    ),
    version: db.prepare<[string], number>("SELECT version FROM user_versions WHERE user_id = ?").pluck(),
    getById: db.prepare<[string, string], MemoryRow>(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE user_id = ? AND id = ?`,
    ),
    getByHashes: db.prepare<[string, string], MemoryRow>(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE user_id = ? AND hash IN (SELECT value FROM json_each(?)) ORDER BY seq`,
    ),
    allOfUser: db.prepare<[string], MemoryRowWithEmbedding>(
      `SELECT ${MEMORY_COLUMNS}, embedding, tokens FROM memories WHERE user_id = ? ORDER BY seq`,
    ),
    mark: db.prepare<[{ seq: number; weight: number; valid_to: string | null; updated_at: string }]>(
      "UPDATE memories SET weight = @weight, valid_to = @valid_to, updated_at = @updated_at WHERE seq = @seq",
    ),
    recordUse: db.prepare<[string, string, string], MemoryRow>(
      `UPDATE memories SET use_count = use_count + 1, last_used_at = ? WHERE user_id = ? AND id = ? RETURNING ${MEMORY_COLUMNS}`,
    ),
    seqOf: db.prepare<[string, string], number>("SELECT seq FROM memories WHERE user_id = ? AND id = ?").pluck(),
    deleteMemory: db.prepare<[number, string]>("DELETE FROM memories WHERE seq = ? AND user_id = ?"),
    deleteMemoriesOfUser: db.prepare<[string]>("DELETE FROM memories WHERE user_id = ?"),
    deleteHistoryOfUser: db.prepare<[string]>("DELETE FROM history WHERE user_id = ?"),
    insertHistory: db.prepare<[HistoryRow]>(
      `INSERT INTO history (id, memory_id, user_id, operation, old_text, new_text, at, thread_id, source_id, reason)
       VALUES (@id, @memory_id, @user_id, @operation, @old_text, @new_text, @at, @thread_id, @source_id, @reason)`,
    ),
    historyOf: db.prepare<[string, string], HistoryRow>(
      `SELECT id, memory_id, user_id, operation, old_text, new_text, at, thread_id, source_id, reason
       FROM history WHERE user_id = ? AND memory_id = ? ORDER BY seq`,
    ),
  };
}
