/** The long-term memory domain: what a memory is, what changed, and how to ask for memories. */
import type { FusionWeights } from "../search/fusion.js";

export const MEMORY_CATEGORIES = ["profile", "preference", "plan", "event", "relationship", "skill", "other"] as const;
export type MemoryCategory = (typeof MEMORY_CATEGORIES)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One durable fact about one user. Superseded facts keep their row, with `validTo` set. */
export interface MemoryRecord {
  id: string;
  userId: string;
  text: string;
  category: MemoryCategory;
  /** Who the fact is about: "user" or a name the user mentioned. */
  about: string;
  /** When the fact was stated (ISO 8601). */
  createdAt: string;
  updatedAt: string;
  /** When the fact happened or applies (ISO date or date-time), if the conversation says. */
  eventTime: string | null;
  /** The fact holds from this time on (ISO 8601). */
  validFrom: string;
  /** Set when a newer fact superseded this one, or the user said it is wrong; null while the fact is current. */
  validTo: string | null;
  supersededBy: string | null;
  /**
   * When a fact with a natural lifetime stops holding (a mood, a plan for Friday, "in Beijing this
   * week"); null for lasting facts. Past it the memory is no longer current; nothing deletes it.
   */
  expiresAt: string | null;
  /**
   * The user's feedback as a ranking factor: 1 by default, raised by "up", lowered by "down" (bounded;
   * memory/feedback.ts).
   */
  weight: number;
  /** How many answers this memory was given to (memory/use.ts). */
  useCount: number;
  /** When it was last given to an answer; null if never. Decay counts from it (memory/recency.ts). */
  lastUsedAt: string | null;
  threadId: string | null;
  /** The message (or dataset turn) the fact came from. */
  sourceId: string | null;
  /** Normalised-content hash, so the same fact from the same source is stored once. */
  hash: string;
  metadata: Record<string, JsonValue>;
  /** The text that is embedded and indexed: fact + category + dates (see memory/indexing.ts). */
  indexText: string;
}

/** What `add`, `update` and `delete` do to a memory's fact. */
export type ChangeOperation = "ADD" | "UPDATE" | "SUPERSEDE" | "DELETE";
export type MemoryOperation = ChangeOperation | FeedbackOperation;

/** History operations of the user's feedback (memory/feedback.ts): the memory's text stays as it was. */
export const FEEDBACK_OPERATIONS = ["FEEDBACK_UP", "FEEDBACK_DOWN", "WRONG"] as const;
export type FeedbackOperation = (typeof FEEDBACK_OPERATIONS)[number];

/** One audit-log line: every change to a memory appends one. */
export interface HistoryEntry {
  id: string;
  memoryId: string;
  userId: string;
  operation: MemoryOperation;
  oldText: string | null;
  newText: string | null;
  at: string;
  threadId: string | null;
  sourceId: string | null;
  /** Why the change was made, when the engine decided it ("where they live: lisbon → porto (structural)"). */
  reason?: string | null;
}

/** What `add` did: one entry per memory touched. */
export interface MemoryChange {
  operation: ChangeOperation;
  memoryId: string;
  text: string;
  oldText?: string;
  /** For SUPERSEDE: the id of the memory that was closed. */
  supersededId?: string;
  category: MemoryCategory;
}

export interface ScoredMemory {
  memory: MemoryRecord;
  /** Final score after fusion and recency (higher is better). */
  score: number;
  /** Rank positions in each retriever (1-based; tied scores share a rank), for explaining results. */
  denseRank?: number;
  lexicalRank?: number;
  /** The weight each retriever had in this search's fusion, and the evidence behind it. */
  fusion?: FusionWeights;
  /** The factors of `score`, when the search was asked to explain itself (SearchOptions.explain). */
  explain?: ScoreExplanation;
}

/** Why a hit scored what it did: score = relevance × feedback; recency orders equal scores only (memory/recency.ts). */
export interface ScoreExplanation {
  /** The fused dense + lexical score, plus 1 when the hit was lifted (see `lifted`). */
  relevance: number;
  /** The user's feedback weight on the memory (1 = none given). */
  feedback: number;
  /** Decay since last use or since stated, 0-1 (1 when recency weighting is off); breaks ties between equal scores. */
  recency: number;
  /**
   * Set when the hit was moved ahead of the plain ranking: it falls in the time period the query names, or states the
   * relation the query asks about.
   */
  lifted: boolean;
}

/** A condition on one field: a value means equality. */
export interface RangeCondition {
  eq?: JsonValue;
  ne?: JsonValue;
  in?: JsonValue[];
  nin?: JsonValue[];
  gt?: string | number;
  gte?: string | number;
  lt?: string | number;
  lte?: string | number;
}
export type FieldCondition = string | number | boolean | null | RangeCondition;

/**
 * A metadata filter, combinable with AND / OR / NOT. Field names: category, createdAt (alias time),
 * eventTime, threadId, sourceId, about, user_id / userId (must equal the caller's user), or any
 * metadata key (bare, or as `metadata.key`).
 */
export type MemoryFilter =
  { AND: MemoryFilter[] } | { OR: MemoryFilter[] } | { NOT: MemoryFilter } | { [field: string]: FieldCondition };

/**
 * Which versions of facts a query sees. "current": not superseded, not marked wrong, and not
 * expired at `now` (ISO; the wall clock when omitted).
 */
export type Validity = { kind: "current"; now?: string } | { kind: "asOf"; time: string } | { kind: "all" };
