import { Annotation, MessagesAnnotation } from "@langchain/langgraph";
import type { BaseMessage } from "@langchain/core/messages";
import type { FusionWeights } from "../search/fusion.js";
import type { MemoryChange } from "../memory/types.js";
import type { ProfileView } from "../memory/profile/types.js";

/** A retrieved memory as shown in state (Studio, the terminal) and in the answer prompt. */
export interface RetrievedMemory {
  id: string;
  text: string;
  category: string;
  score: number;
  createdAt: string;
  eventTime: string | null;
  /** Where the memory stood in each retriever (1-based). */
  denseRank?: number;
  lexicalRank?: number;
}

/**
 * What updateMemory did, as one line: "ok", or the state word and why ("retrying: <reason>",
 * "queued: …", "dead: …", "scheduled: …" in background mode, "skipped: …", "failed: …").
 */
export type MemoryUpdateStatus =
  | "ok"
  | `retrying: ${string}`
  | `queued: ${string}`
  | `dead: ${string}`
  | `unknown: ${string}`
  | `scheduled: ${string}`
  | `skipped: ${string}`
  | `failed: ${string}`;

/** Whether long-term memory took part in the turn: the answer says so when it did not. */
type MemoryStatus = "ok" | "unavailable" | "skipped";

export const ChatState = Annotation.Root({
  /** The conversation (short-term memory), kept by the checkpointer. */
  ...MessagesAnnotation.spec,
  /** The new user message of this turn, as text. */
  question: Annotation<string>,
  /** Recent messages before this turn, chosen by loadHistory (window + token budget). */
  recentMessages: Annotation<BaseMessage[]>,
  /** The question made self-contained by rewriteQuestion (or the original on fallback). */
  rewrittenQuestion: Annotation<string>,
  /** Why the original question was used instead of a rewrite; null when the rewrite worked. */
  rewriteFallback: Annotation<string | null>,
  memories: Annotation<RetrievedMemory[]>,
  retrievalStatus: Annotation<MemoryStatus>,
  /** The weights the search's fusion gave the dense and lexical retrievers, and why (search/fusion.ts). */
  retrievalFusion: Annotation<FusionWeights | null>,
  /**
   * The user's profile and interest trend, read beside the
   * search; null without a profile store or when it could not be read.
   */
  profile: Annotation<ProfileView | null>,
  /** What updateMemory did this turn. */
  memoryChanges: Annotation<MemoryChange[]>,
  memoryUpdateStatus: Annotation<MemoryUpdateStatus>,
  /** In background mode: the queued memory update of this turn (MemoryWorker.result(id) awaits it). */
  memoryJobId: Annotation<string | null>,
  /**
   * In background mode: what the thread's last finished memory update did (jobId matches that
   * turn's memoryJobId; an update still running shows on a later turn).
   */
  previousMemoryUpdate: Annotation<{ jobId: string; status: string; changes: MemoryChange[]; error?: string } | null>,
});

export type ChatStateType = typeof ChatState.State;
export type ChatStateUpdate = typeof ChatState.Update;
