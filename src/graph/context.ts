import { z } from "zod";
import { MAX_MEMORY_TOP_K, type Settings } from "../config/settings.js";

/**
 * A run's settings, declared once: the schema below is the graph's context schema (what Studio
 * and the HTTP API show, with this process's defaults), and the same schema fills in and checks a
 * run's context (run-settings.ts). The defaults come from the process settings (HISTORY_WINDOW,
 * HISTORY_TOKEN_BUDGET, MEMORY_TOP_K: src/config/settings.ts), read in `runDefaults` and nowhere
 * else. HTTP: `"context": {...}`; in code: `graph.invoke(input, { context })`.
 */
export interface RunDefaults {
  historyWindow: number;
  historyTokenBudget: number;
  memoryTopK: number;
  persona: string;
}

export const DEFAULT_PERSONA =
  "You are a helpful assistant with a long-term memory of this user. Use what you remember when it helps, " +
  "say so when you do not know, and reply in the language the user writes in.";

/** The per-run defaults this process runs with. */
export function runDefaults(settings: Settings): RunDefaults {
  return {
    historyWindow: settings.HISTORY_WINDOW,
    historyTokenBudget: settings.HISTORY_TOKEN_BUDGET,
    memoryTopK: settings.MEMORY_TOP_K,
    persona: DEFAULT_PERSONA,
  };
}

const wholePositive = (name: string) =>
  z
    .number({ invalid_type_error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be greater than 0`);

/** The context schema of a graph whose runs default to `defaults`. */
export function contextSchema(defaults: RunDefaults) {
  return z.object({
    // Optional in the schema only so that a missing id reaches loadHistory, which rejects the run
    // with a message saying what to pass (the schema's own error is a bare "Required").
    userId: z
      .string({ invalid_type_error: 'userId must be a string, e.g. {"userId": "alice"}' })
      .optional()
      .describe("Whose memory this turn reads and writes. Required. With auth on, it must match the signed-in user."),
    historyWindow: wholePositive("historyWindow")
      .default(defaults.historyWindow)
      .describe("How many recent messages of this thread the model sees (short-term memory)."),
    historyTokenBudget: wholePositive("historyTokenBudget")
      .default(defaults.historyTokenBudget)
      .describe("Upper bound, in approximate tokens, on the recent messages shown to the model."),
    memoryTopK: wholePositive("memoryTopK")
      .max(MAX_MEMORY_TOP_K, `memoryTopK must be at most ${MAX_MEMORY_TOP_K}`)
      .default(defaults.memoryTopK)
      .describe("How many long-term memories to retrieve for the answer."),
    persona: z
      .string({ invalid_type_error: "persona must be a string" })
      .default(defaults.persona)
      // An empty persona means "the default", not "no instructions at all".
      .transform((p) => p.trim() || defaults.persona)
      .describe("System persona for the answer. Default: a helpful assistant that remembers the user."),
  });
}

/** What a caller may pass as a run's context: every key but userId optional. */
export type RunContext = z.input<ReturnType<typeof contextSchema>>;

/** A run's settings with the defaults filled in and the user id checked. */
export type ResolvedRunSettings = Required<z.output<ReturnType<typeof contextSchema>>>;

/**
 * A run context as the compiled graph's type wants it (the schema's output, every key present).
 * The nodes fill the defaults themselves (run-settings.ts), so what the caller gives is enough.
 */
export function runContext(context: RunContext): GraphContext {
  return { ...context, userId: context.userId } as GraphContext;
}

type GraphContext = Omit<z.output<ReturnType<typeof contextSchema>>, "userId"> & { userId: string | undefined };
