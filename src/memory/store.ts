/**
 * What the engine needs from a memory backend, split by concern (as Mem0 keeps vector stores apart
 * from its history store). The engine owns these interfaces; backends in src/stores/ implement them.
 */
import type { FusionWeights } from "../search/fusion.js";
import type { HistoryEntry, MemoryFilter, MemoryRecord, Validity } from "./types.js";
import { AppError } from "../util/errors.js";

/**
 * A vector of another size than the store was set up for: the embedding model changed. Never
 * clears by trying again; the message says what to do (re-embed, or a new collection).
 */
export class DimensionMismatchError extends AppError {
  readonly code = "invalid_settings";
}

/**
 * The store cannot be reached right now: a server that does not answer, a file another process
 * holds locked. Each backend recognises its own failures and throws this at its boundary
 * (stores/sqlite/errors.ts, stores/qdrant/client.ts, stores/postgres/errors.ts), so the HTTP routes
 * (503), the commands (exit 1) and the update queue (retry) need to know no backend. The message,
 * for the operator, names the store's address; `publicMessage`, for HTTP clients, names none.
 */
export class StoreUnavailableError extends AppError {
  readonly code = "store_unavailable";
  override readonly retryable = true;
  /** What the backend reported, e.g. ECONNREFUSED, SQLITE_BUSY, HTTP 503. */
  readonly reason: string;
  /** What to check, naming the setting but not its value, e.g. "Check that Qdrant at QDRANT_URL is running". */
  readonly remedy: string;

  constructor(message: string, details: { reason: string; remedy: string; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.reason = details.reason;
    this.remedy = details.remedy;
  }

  get publicMessage(): string {
    return `The long-term memory store is unreachable (${this.reason}). ${this.remedy}, then retry.`;
  }
}

/** A store-level hit: rank fusion of the dense and lexical retrievers, before recency. */
export interface StoreHit {
  record: MemoryRecord;
  /** Weighted reciprocal-rank-fusion score (search/fusion.ts). */
  score: number;
  denseRank?: number;
  lexicalRank?: number;
  /** The weights the fusion gave each retriever for this query (the same on every hit of a search). */
  fusion?: FusionWeights;
}

export interface StoreSearchQuery {
  userId: string;
  /** Query embedding; omit for lexical-only search. */
  vector?: number[];
  /** Query tokens (search/tokenize.ts); omit for dense-only search. */
  terms?: string[];
  /** Share of the query the embedder can read, 0-1 (search/fusion.ts); 1 when omitted. */
  coverage?: number;
  filter?: MemoryFilter;
  /**
   * Only memories of this period: their eventTime, or createdAt when they have none, within
   * [gte, lt) (a time phrase of the question: memory/time-range.ts). Kept apart from `filter` so a
   * store can answer it from an array of times (filter.ts: `inPeriod`; `periodFilter` for Qdrant).
   */
  period?: TimePeriod;
  validity: Validity;
  limit: number;
}

export interface TimePeriod {
  /** Inclusive start (YYYY-MM-DD or an ISO time); compared as instants (filter.ts, inPeriod). */
  gte: string;
  /** Exclusive end. */
  lt: string;
}

export interface ListOptions {
  filter?: MemoryFilter;
  validity?: Validity;
  limit?: number;
  offset?: number;
}

/** The memories themselves: written with their embeddings, read, searched, deleted. */
interface MemoryRecords {
  /** Insert or replace records, each with its embedding (same order). */
  put(records: MemoryRecord[], vectors: number[][]): Promise<void>;
  get(userId: string, id: string): Promise<MemoryRecord | null>;
  /**
   * The user's records whose content hash is one of `hashes` (duplicate checks), in one round
   * trip however many hashes are asked for; at most one record per hash, the earliest stored.
   */
  getByHashes(userId: string, hashes: string[]): Promise<MemoryRecord[]>;
  list(userId: string, options?: ListOptions): Promise<MemoryRecord[]>;
  count(userId: string, options?: ListOptions): Promise<number>;
  search(query: StoreSearchQuery): Promise<StoreHit[]>;
  /** Removes records of this user; returns how many were removed. */
  delete(userId: string, ids: string[]): Promise<number>;
}

/** Fields that change neither a memory's text nor what is embedded and indexed: written without re-embedding. */
export type MemoryMarks = Partial<Pick<MemoryRecord, "weight" | "validTo" | "updatedAt">>;

/** The user's feedback and the memories' use: small writes that leave vectors and index alone. */
interface MemoryUsage {
  /** Sets the given fields of one of the user's records; false when the user has no such record. */
  mark(userId: string, id: string, marks: MemoryMarks): Promise<boolean>;
  /**
   * Counts one use of each record (useCount + 1, lastUsedAt = at);
   * ids the user lacks are skipped. Returns how many were counted.
   */
  recordUse(userId: string, ids: string[], at: string): Promise<number>;
}

/** The audit trail: one line per change of a memory, kept when the memory is superseded or deleted. */
interface MemoryHistory {
  appendHistory(entries: HistoryEntry[]): Promise<void>;
  history(userId: string, memoryId: string): Promise<HistoryEntry[]>;
}

/** Users as a whole: who has memories, and erasing everything of one user. */
interface UserDirectory {
  /**
   * The ids of users who have at least one memory (current or not), in ascending order, at most
   * `limit`. For operators and Studio's memory view in open mode; never used to answer a user.
   */
  listUsers(limit: number): Promise<string[]>;
  /** Erase every memory and history line of the user. */
  forgetUser(userId: string): Promise<{ memories: number; history: number }>;
}

/**
 * A whole backend: every part above on one file or collection set. Every method is scoped by
 * userId: a record of another user is never returned, changed or deleted, whatever id is passed.
 * Implementations: InMemoryMemoryStore (tests), SqliteMemoryStore (embedded default),
 * QdrantMemoryStore. All pass test/stores/contract.ts.
 */
export interface MemoryStore extends MemoryRecords, MemoryUsage, MemoryHistory, UserDirectory {
  readonly name: string;
  /** Create tables / collections. Idempotent. `dims` is the embedding size. */
  init(dims: number): Promise<void>;
  close(): Promise<void>;
}
