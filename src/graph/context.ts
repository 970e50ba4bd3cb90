import { z } from "zod";

/**
 * Per-run settings, passed as the run's `context` (HTTP: `"context": {...}`; in code:
 * `graph.invoke(input, { context })`). Only `userId` is required; the rest have defaults.
 */
export const ContextSchema = z.object({
  // Optional in the schema only so that a missing id reaches loadHistory, which rejects the run
  // with a message saying what to pass (the schema's own error is a bare "Required").
  userId: z
    .string({ invalid_type_error: 'userId must be a string, e.g. {"userId": "alice"}' })
    .optional()
    .describe("Whose memory this turn reads and writes. Required. With auth on, it must match the signed-in user."),
  historyWindow: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("How many recent messages of this thread the model sees (short-term memory). Default 12."),
  historyTokenBudget: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Upper bound, in approximate tokens, on the recent messages shown to the model. Default 3000."),
  memoryTopK: z
    .number()
    .int()
    .positive()
    .max(50)
    .optional()
    .describe("How many long-term memories to retrieve for the answer. Default 8."),
  persona: z
    .string()
    .optional()
    .describe("System persona for the answer. Default: a helpful assistant that remembers the user."),
});

export type RunContext = z.infer<typeof ContextSchema>;

export const DEFAULT_PERSONA =
  "You are a helpful assistant with a long-term memory of this user. Use what you remember when it helps, " +
  "say so when you do not know, and reply in the language the user writes in.";

/** Run settings with defaults filled in (defaults come from the process settings). */
export interface ResolvedRunSettings {
  userId: string;
  historyWindow: number;
  historyTokenBudget: number;
  memoryTopK: number;
  persona: string;
}

/** A run context with every key present (the compiled graph's type asks for all of them). */
export function runContext(context: RunContext): Record<keyof RunContext, RunContext[keyof RunContext]> & RunContext {
  return {
    userId: context.userId,
    historyWindow: context.historyWindow,
    historyTokenBudget: context.historyTokenBudget,
    memoryTopK: context.memoryTopK,
    persona: context.persona,
  };
}
