import { z } from "zod";
import { JOB_STATES, type JobState } from "../memory/queue/types.js";
import { ExportedProfile, ExportedQuestions } from "./profile-export-schemas.js";
import { ExportedEntity, ExportedRelation } from "./entity-export-schemas.js";
import { FEEDBACK_OPERATIONS, MEMORY_CATEGORIES, type JsonValue } from "../memory/types.js";
import { FEEDBACK_KINDS } from "../memory/feedback.js";
import { LIST_STATES } from "../memory/api.js";

/**
 * Request shapes of the memory admin API. The user id is left loosely typed here: it is checked
 * by `requestUserId`, which may also take it from the authenticated identity.
 */
export const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(jsonValue)]),
);
const userId = z.string().optional();
export const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 time such as 2025-03-12T09:30:00Z");
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

const history = z.object({
  operation: z.enum(["ADD", "UPDATE", "SUPERSEDE", "DELETE", ...FEEDBACK_OPERATIONS]),
  oldText: z.string().nullable().default(null),
  newText: z.string().nullable().default(null),
  at: isoTime,
  threadId: z.string().nullable().default(null),
  sourceId: z.string().nullable().default(null),
  reason: z.string().max(500).nullable().optional(),
});

/**
 * A file written by export. Unknown fields, and every user id in it, are dropped: the importing
 * path names the owner.
 */
export const ImportDocument = z.object({
  exportedAt: isoTime.optional(),
  memories: z
    .array(
      z.object({
        id: z.string().min(1),
        text: z.string().trim().min(1),
        category: z.enum(MEMORY_CATEGORIES).default("other"),
        about: z.string().default("user"),
        createdAt: isoTime,
        eventTime: z.string().nullable().default(null),
        validTo: z.string().nullable().default(null),
        supersededBy: z.string().nullable().default(null),
        threadId: z.string().nullable().default(null),
        sourceId: z.string().nullable().default(null),
        metadata: z.record(jsonValue).default({}),
        expiresAt: isoTime.nullable().default(null),
        weight: z.number().positive().default(1),
        useCount: z.number().int().min(0).default(0),
        lastUsedAt: isoTime.nullable().default(null),
        history: z.array(history).default([]),
        entities: z.array(ExportedEntity).max(100).optional(),
      }),
    )
    .max(100_000),
  relations: z.array(ExportedRelation).max(100_000).optional(),
  profile: ExportedProfile.nullable().optional(),
  questions: ExportedQuestions.optional(),
});
export type ImportDocument = z.infer<typeof ImportDocument>;
