import { z } from "zod";
import { isoTime, jsonValue } from "../app/transfer/format.js";
import { JOB_STATES, type JobState } from "../memory/queue/types.js";
import { MEMORY_CATEGORIES } from "../memory/types.js";
import { FEEDBACK_KINDS } from "../memory/feedback.js";
import { LIST_STATES } from "../memory/api.js";

/**
 * Request shapes of the memory admin API. The user id is left loosely typed here: it is checked
 * by `requestUserId`, which may also take it from the authenticated identity.
 */
const userId = z.string().optional();
const flag = z
  .enum(["true", "false", "1", "0"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1");
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const offset = z.coerce.number().int().min(0).default(0);

export const UserQuery = z.object({ userId }).strict();
export const ListQuery = z
  .object({
    userId,
    limit: limit(1000, 50),
    offset,
    includeHistory: flag.default("false"),
    state: z.enum(LIST_STATES).optional(),
    category: z.enum(MEMORY_CATEGORIES).optional(),
    text: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
    asOf: isoTime.optional(),
  })
  .strict();

export const QueueQuery = z
  .object({ userId, state: z.enum(JOB_STATES as [JobState, ...JobState[]]).optional(), limit: limit(1000, 100) })
  .strict();
export const UserBody = z.object({ userId }).strict();

/** Schemas whose texts are bounded by the server's size limit for one message. */
export function bodySchemas(maxTextChars: number) {
  const text = z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(maxTextChars, `must be at most ${maxTextChars} characters`);
  const fact = z.object({
    text,
    category: z.enum(MEMORY_CATEGORIES).optional(),
    about: z.string().max(200).optional(),
    eventTime: isoTime.optional(),
    expiresAt: isoTime.optional(),
    sourceId: z.string().max(200).optional(),
    metadata: z.record(jsonValue).optional(),
  });
  return {
    fact,
    search: z
      .object({
        userId,
        query: text,
        limit: limit(100, 8),
        filter: z.record(z.unknown()).optional(),
        asOf: isoTime.optional(),
        includeHistory: z.boolean().optional(),
        explain: z.boolean().optional(),
      })
      .strict(),
    edit: z.object({ userId, text }).strict(),
    feedback: z.object({ userId, feedback: z.enum(FEEDBACK_KINDS), threadId: z.string().max(200).optional() }).strict(),
    add: z
      .object({
        userId,
        messages: z
          .array(z.object({ role: z.enum(["user", "assistant", "system"]), content: text }))
          .min(1)
          .max(50)
          .optional(),
        facts: z.array(fact).min(1).max(500).optional(),
        infer: z.boolean().default(true),
        threadId: z.string().max(200).optional(),
        time: isoTime.optional(),
        metadata: z.record(jsonValue).optional(),
      })
      .strict()
      .refine((b) => b.messages !== undefined || b.facts !== undefined, "pass messages (a turn) or facts (ready-made)")
      .refine(
        (b) => b.facts === undefined || b.infer === false,
        "facts are stored as given: pass infer: false with them",
      ),
  };
}
