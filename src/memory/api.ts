import type { BaseMessage } from "@langchain/core/messages";
import type { EntityMention, RelationMention } from "./entities/types.js";
import type { JsonValue, MemoryCategory, MemoryChange, MemoryFilter } from "./types.js";

/** A fact given directly to `add` with `infer: false` (no LLM call), e.g. when filling from data. */
export interface ReadyFact {
  text: string;
  category?: MemoryCategory;
  about?: string;
  /** When the fact happened (ISO); defaults to none. */
  eventTime?: string;
  /** When the fact stops holding (ISO date or date-time): past it the memory is no longer current. Default: lasting. */
  expiresAt?: string;
  /** The feedback weight and use an export carried (import); a new fact starts at weight 1, never used. */
  usage?: { weight: number; useCount: number; lastUsedAt: string | null };
  /** Overrides the AddOptions.sourceId for this fact (e.g. a dataset turn id). */
  sourceId?: string;
  metadata?: Record<string, JsonValue>;
  /**
   * Text that makes the fact findable but is not part of it, e.g. the previous turn when raw
   * dialogue turns are stored ("Yes, last week!" answers a question only the previous turn
   * names). Indexed and embedded with the fact; never returned as its text.
   */
  context?: string;
  /** The entities the fact is about (an import's, or a model's); omitted: detected from the text. */
  entities?: EntityMention[];
  /** Typed relations between them ("user" for the user), e.g. {from: "Melanie", type: "sister of", to: "user"}. */
  relations?: RelationMention[];
}

export interface ChatTurnMessage {
  role: "user" | "assistant" | "system";
  content: string;
}

export type AddInput = BaseMessage[] | ChatTurnMessage[] | string;

export interface AddOptions {
  userId: string;
  /** When the messages were said (ISO); relative dates are resolved from it. Default: now. */
  time?: string;
  threadId?: string;
  /** The message the facts come from; with the content it makes `add` idempotent. */
  sourceId?: string;
  /** Caller metadata stored on each memory. Tenant fields in it are rejected. */
  metadata?: Record<string, JsonValue>;
  /** false: `facts` are stored as given, no LLM call. Default true. */
  infer?: boolean;
  facts?: ReadyFact[];
}

export interface AddResult {
  changes: MemoryChange[];
}

export interface SearchOptions {
  userId: string;
  limit?: number;
  filter?: MemoryFilter;
  /** Facts as they stood at this time (ISO): superseded ones come back if they held then. */
  asOf?: string;
  /** Include superseded facts alongside current ones. */
  includeHistory?: boolean;
  /** Turn time expressions in the query ("last month", "上周") into a time filter. Default true. */
  timeAware?: boolean;
  /** The "now" that relative time expressions in the query refer to (ISO). Default: now. */
  now?: string;
  /** Attach to each hit the factors of its score (ScoredMemory.explain), for a developer to see why it ranked there. */
  explain?: boolean;
}

export interface ListMemoriesOptions {
  userId: string;
  filter?: MemoryFilter;
  includeHistory?: boolean;
  /**
   * Which memories by validity now: current (default), superseded (no longer current: replaced, wrong or expired), all.
   * Overrides includeHistory.
   */
  state?: ListState;
  /**
   * The memories that held at this time (ISO), as an `asOf`
   * search sees them; state and includeHistory then do not apply.
   */
  asOf?: string;
  /** Only memories whose text contains this, ignoring case (any language: no word splitting). */
  text?: string;
  limit?: number;
  offset?: number;
}

export const LIST_STATES = ["current", "superseded", "all"] as const;
export type ListState = (typeof LIST_STATES)[number];
