/**
 * The export file: what `GET /users/<id>/export` and `npx memories export` write and import reads,
 * with the two zod pieces the HTTP schemas share with it (a JSON value, an ISO 8601 time).
 */
import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { FEEDBACK_OPERATIONS, MEMORY_CATEGORIES, type JsonValue } from "../../memory/types.js";
import { ExportedEntity, ExportedRelation } from "./entity-format.js";
import { ExportedProfile, ExportedQuestions } from "./profile-format.js";

// Gives zod schemas `.openapi(...)`: what the HTTP API's document says of a shape (below: one it cannot read).
extendZodWithOpenApi(z);

/**
 * Any JSON value. The HTTP API's document cannot be generated from `z.lazy`, so its shape there is
 * written here, equal to the union below; the document adds the JsonValue component it refers to.
 */
export const jsonValue: z.ZodType<JsonValue> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(jsonValue)]))
  .openapi({
    type: ["string", "number", "boolean", "null", "array", "object"],
    items: { $ref: "#/components/schemas/JsonValue" },
    additionalProperties: { $ref: "#/components/schemas/JsonValue" },
  });
export const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 time such as 2025-03-12T09:30:00Z");

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
