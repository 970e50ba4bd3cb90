import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import type { ExtractedFact, ExtractionStyle } from "./extract.js";
import { RECONCILE_SYSTEM } from "./prompts.js";
import { invokeJson } from "./structured.js";
import { traced } from "../tracing/traced.js";
import type { MemoryRecord } from "./types.js";

export const ACTIONS = ["ADD", "UPDATE", "SUPERSEDE", "DELETE", "NONE"] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Built per call: the fact letters and memory numbers are enums of the ones shown, so a model with
 * native structured output cannot name a fact or memory that does not exist.
 */
function reconcileSchema(letters: string[], memories: number, canDelete: boolean, withText: boolean) {
  const actions = canDelete ? ACTIONS : ACTIONS.filter((a) => a !== "DELETE");
  const wrong = { errorMap: () => ({ message: `needs "memory" as a number from 0 to ${memories - 1}` }) };
  const numbers = Array.from({ length: memories }, (_, i) => z.literal(i, wrong));
  const memory =
    numbers.length === 1
      ? numbers[0]
      : z.union(numbers as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>], wrong);
  return z.object({
    decisions: z
      .array(
        z.object({
          fact: z.preprocess(
            (v) => (typeof v === "string" ? v.trim().toUpperCase() : v),
            z.enum(letters as [string, ...string[]]),
          ),
          action: z.preprocess(
            (v) => (typeof v === "string" ? v.toUpperCase() : v),
            z.enum(actions as [Action, ...Action[]]),
          ),
          memory: z.preprocess(
            (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
            memory.nullable().optional(),
          ),
          ...(withText ? { text: z.string().trim().max(300).nullable().optional() } : {}),
        }),
      )
      .max(letters.length * 2),
  });
}

/** A decision with the short index resolved back to a real memory. */
export interface Decision {
  fact: ExtractedFact;
  action: Action;
  target?: MemoryRecord;
  /** Further memories a SUPERSEDE closes (the same slot stated more than once before). */
  alsoCloses?: MemoryRecord[];
  /** What of each closed memory still holds (slots/judge.ts), stored again as a current memory. */
  remainders?: Map<string, string>;
  /** Why, in a few words: kept in the memory's history. */
  reason?: string;
  text: string;
}

const letter = (i: number) => String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : "");

/**
 * Lets the model decide, for each new fact, what happens to the related memories. Existing
 * memories are shown as small numbers, so the model cannot name (or invent) a real id; a number
 * outside the list is a validation error, retried once.
 */
export async function reconcileFacts(
  model: BaseChatModel,
  facts: ExtractedFact[],
  related: MemoryRecord[],
  options: { signal?: AbortSignal; style?: ExtractionStyle } = {},
): Promise<Decision[]> {
  return traced(
    "reconcile facts",
    { facts, related: related.map((m) => ({ id: m.id, text: m.text })), style: options.style ?? "facts" },
    () => decide(model, facts, related, options),
    (decisions) => ({
      decisions: decisions.map((d) => ({
        fact: d.fact.text,
        action: d.action,
        memoryId: d.target?.id ?? null,
        text: d.text,
      })),
    }),
  );
}

async function decide(
  model: BaseChatModel,
  facts: ExtractedFact[],
  related: MemoryRecord[],
  options: { signal?: AbortSignal; style?: ExtractionStyle },
): Promise<Decision[]> {
  if (related.length === 0)
    return facts.map((fact) => ({ fact, action: fact.forget ? "NONE" : "ADD", text: fact.text }));
  const letters = facts.map((_, i) => letter(i));
  const memoryLines = related.map((m, i) => `[${i}] ${m.text}${m.eventTime ? ` (${m.eventTime})` : ""}`);
  const factLines = facts.map(
    (f, i) => `(${letters[i]}) ${f.forget ? "FORGET: " : ""}${f.text}${f.eventTime ? ` (${f.eventTime})` : ""}`,
  );
  const result = await invokeJson(
    model,
    [
      new SystemMessage(RECONCILE_SYSTEM),
      new HumanMessage(`Stored memories:\n${memoryLines.join("\n")}\n\nNew facts:\n${factLines.join("\n")}`),
    ],
    // DELETE is only offered when the user asked to forget something.
    // A quoted fact keeps its words, so the model is not asked to write any.
    reconcileSchema(
      letters,
      related.length,
      facts.some((f) => f.forget),
      options.style !== "quotes",
    ),
    {
      name: "decisions",
      signal: options.signal,
      check: (value) => {
        for (const d of value.decisions) {
          if (d.action === "DELETE" && !facts[letters.indexOf(d.fact)].forget) {
            return `DELETE for fact ${d.fact} is only for a fact the user asked to forget; use SUPERSEDE when it replaces memory [${d.memory ?? 0}], or ADD`;
          }
          if (["UPDATE", "SUPERSEDE", "DELETE"].includes(d.action)) {
            if (d.memory === null || d.memory === undefined || d.memory < 0 || d.memory >= related.length) {
              return `${d.action} for fact ${d.fact} needs "memory" as a number from 0 to ${related.length - 1}`;
            }
          }
        }
        return null;
      },
    },
  );
  const byLetter = new Map(result.decisions.map((d) => [d.fact, d]));
  return facts.map((fact, i) => {
    const d = byLetter.get(letters[i]);
    // A fact the model skipped is added rather than lost; duplicates are caught by the hash check.
    if (!d) return { fact, action: fact.forget ? "NONE" : "ADD", text: fact.text };
    const target = d.memory !== null && d.memory !== undefined ? related[d.memory] : undefined;
    // Only a merge (UPDATE) has the model write the text, and only a model that writes facts;
    // an added or replacing fact, or a quoted one, is the fact itself.
    const written = "text" in d && typeof d.text === "string" ? d.text : "";
    const text = d.action === "UPDATE" && written ? written : fact.text;
    return { fact, action: d.action, target: d.action === "ADD" || d.action === "NONE" ? undefined : target, text };
  });
}
