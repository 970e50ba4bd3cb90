/**
 * The user's feedback on one memory: "wrong" invalidates it (validTo = now, kept as history, as a
 * supersede keeps the old fact), "down" and "up" scale its ranking weight by one step, within
 * bounds. Every feedback appends a history line before the change, as every change does.
 */
import { randomUUID } from "node:crypto";
import type { MemoryStore } from "./store.js";
import type { FeedbackOperation, HistoryEntry, MemoryRecord } from "./types.js";
import { InvalidInputError } from "./validation.js";
import { DEFAULT_MEMORY_FEEDBACK } from "../config/settings.js";

export const FEEDBACK_KINDS = ["up", "down", "wrong"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export interface FeedbackPolicy {
  /** Factor one "up" multiplies the weight by; one "down" divides by it. 1 = feedback does not rank. */
  step: number;
  /** Weights stay within [1 / maxWeight, maxWeight]. */
  maxWeight: number;
}

/**
 * The settings' default (config/settings.ts), measured on LoCoMo (bench/feedback, BENCHMARKS.md
 * "Feedback, use and decay"): one step of 1.25 moves a memory a few places (a first hit to about
 * third after one "down"), not out of sight; bounded at 2 (three steps) a memory the user likes
 * cannot outrank one that matches the question far better, and one the user dislikes is never
 * hidden: "wrong" is the way to hide a memory.
 */
export const DEFAULT_FEEDBACK: FeedbackPolicy = DEFAULT_MEMORY_FEEDBACK;

const OPERATION: Record<FeedbackKind, FeedbackOperation> = { up: "FEEDBACK_UP", down: "FEEDBACK_DOWN", wrong: "WRONG" };

export function parseFeedbackKind(value: string): FeedbackKind {
  if ((FEEDBACK_KINDS as readonly string[]).includes(value)) return value as FeedbackKind;
  throw new InvalidInputError(`Feedback is one of ${FEEDBACK_KINDS.join(", ")}, not "${value.slice(0, 20)}"`);
}

/** The weight after one "up" or "down", kept within the policy's bounds. */
export function nextWeight(weight: number, kind: "up" | "down", policy: FeedbackPolicy): number {
  const next = kind === "up" ? weight * policy.step : weight / policy.step;
  return Math.min(policy.maxWeight, Math.max(1 / policy.maxWeight, next));
}

interface FeedbackInput {
  record: MemoryRecord;
  kind: FeedbackKind;
  at: string;
  threadId: string | null;
}

/** Applies the feedback to the stored record and returns it as it now is. */
export async function applyFeedback(
  store: MemoryStore,
  policy: FeedbackPolicy,
  input: FeedbackInput,
): Promise<MemoryRecord> {
  const { record, kind, at } = input;
  const marks =
    kind === "wrong"
      ? // A memory already closed (superseded, or wrong before) keeps the time it was closed.
        { validTo: record.validTo ?? at, updatedAt: at }
      : { weight: nextWeight(record.weight, kind, policy), updatedAt: at };
  const line: HistoryEntry = {
    id: randomUUID(),
    memoryId: record.id,
    userId: record.userId,
    operation: OPERATION[kind],
    oldText: record.text,
    // As a DELETE does, "wrong" leaves no current text; up and down leave the text as it was.
    newText: kind === "wrong" ? null : record.text,
    at,
    threadId: input.threadId,
    sourceId: null,
  };
  await store.appendHistory([line]);
  await store.mark(record.userId, record.id, marks);
  return { ...record, ...marks };
}
