import { z } from "@hono/zod-openapi";
import type { UserExport, ImportResult } from "../../app/transfer/user-transfer.js";
import type { MemoryView, SearchResultView } from "../../app/memory-view.js";
import type { HistoryEntry, MemoryChange } from "../../memory/types.js";
import type { jobView } from "../../memory/queue/views.js";
import { FEEDBACK_OPERATIONS, MEMORY_CATEGORIES } from "../../memory/types.js";
import { JOB_STATES, type JobState } from "../../memory/queue/types.js";
import type { ErrorBody } from "../errors.js";
import { jsonValue } from "../../app/transfer/format.js";
import { ExportedEntity, ExportedRelation } from "../../app/transfer/entity-format.js";
import { ExportedProfile, ExportedQuestions } from "../../app/transfer/profile-format.js";
import type { EntitySummary, MemoryMap } from "../../memory/entities/map.js";
import { ENTITY_KINDS } from "../../memory/entities/types.js";
import type { ProfileView } from "../../memory/profile/types.js";

/**
 * The reply shapes of the memory routes, for the OpenAPI document; each exported one is named
 * (`.openapi(name)`), so it is one component there and a `$ref` wherever a route or another shape
 * uses it. The routes build their replies from the TypeScript views (memory-view.ts,
 * user-transfer.ts, queue/views.ts); the checks at the end of this file make `tsc` fail when a
 * view and its schema here drift apart.
 */
/** A reply object: strict, so the document says a reply carries no field beyond those listed. */
const object = <Shape extends z.ZodRawShape>(shape: Shape) => z.object(shape).strict();
const time = z.string();
const category = z.enum(MEMORY_CATEGORIES);
const operation = z.enum(["ADD", "UPDATE", "SUPERSEDE", "DELETE"]);
const historyOperation = z.enum(["ADD", "UPDATE", "SUPERSEDE", "DELETE", ...FEEDBACK_OPERATIONS]);

export const ErrorReply = object({
  error: z.string().describe("machine-readable code, e.g. invalid_input, not_found"),
  message: z.string().describe("what went wrong and what to do"),
}).openapi("ErrorReply");

export const Memory = object({
  id: z.string(),
  userId: z.string(),
  text: z.string(),
  category,
  about: z.string(),
  createdAt: time,
  updatedAt: time,
  eventTime: time.nullable(),
  validFrom: time,
  validTo: time.nullable(),
  supersededBy: z.string().nullable(),
  threadId: z.string().nullable(),
  sourceId: z.string().nullable(),
  metadata: z.record(jsonValue),
  expiresAt: time.nullable().describe("when a fact with a natural lifetime stops being current; null: lasting"),
  weight: z.number().describe("the user's feedback as a ranking factor: 1, raised by up, lowered by down"),
  useCount: z.number().int().describe("how many answers the memory was given to"),
  lastUsedAt: time.nullable().describe("when it was last given to an answer; decay counts from it"),
}).openapi("Memory");

export const History = object({
  id: z.string(),
  memoryId: z.string(),
  userId: z.string(),
  operation: historyOperation,
  oldText: z.string().nullable(),
  newText: z.string().nullable(),
  at: time,
  threadId: z.string().nullable(),
  sourceId: z.string().nullable(),
  /**
   * Why the engine made the change ("where they live: lisbon → porto (structural)"); absent on older lines and edits.
   */
  reason: z.string().nullable().optional(),
}).openapi("History");

const change = object({
  operation,
  memoryId: z.string(),
  text: z.string(),
  oldText: z.string().optional(),
  supersededId: z.string().optional(),
  category,
});

const fusion = object({
  dense: z.number(),
  lexical: z.number(),
  coverage: z.number(),
  denseOrder: z.number(),
  lexicalOrder: z.number(),
  lexicalCoverage: z.number(),
});

export const MemoryList = object({
  userId: z.string(),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  memories: z.array(Memory),
}).openapi("MemoryList");

const searchResult = object({
  memory: Memory,
  score: z.number(),
  denseRank: z.number().int().optional(),
  lexicalRank: z.number().int().optional(),
  fusion: fusion.optional(),
  explain: object({
    relevance: z.number(),
    feedback: z.number(),
    recency: z.number(),
    lifted: z.boolean(),
  }).optional(),
});
export const SearchReply = object({ userId: z.string(), results: z.array(searchResult) }).openapi("SearchReply");
export const HistoryReply = object({ memoryId: z.string(), history: z.array(History) }).openapi("HistoryReply");
export const AddReply = object({ userId: z.string(), changes: z.array(change) }).openapi("AddReply");
export const DeleteReply = object({ id: z.string(), deleted: z.literal(true) }).openapi("DeleteReply");
export const ForgetReply = object({
  userId: z.string(),
  memories: z.number().int(),
  history: z.number().int(),
  queuedUpdates: z.number().int(),
  entities: z.number().int(),
  relations: z.number().int(),
  profiles: z.number().int(),
  questions: z.number().int(),
}).openapi("ForgetReply");
export const ExportReply = object({
  userId: z.string(),
  exportedAt: time,
  memories: z.array(
    Memory.extend({ history: z.array(History), entities: z.array(ExportedEntity.strict()).optional() }),
  ),
  relations: z.array(ExportedRelation.strict()).optional(),
  profile: ExportedProfile.strict().nullable().optional(),
  questions: ExportedQuestions.optional(),
}).openapi("ExportReply");
export const ImportReply = object({
  userId: z.string(),
  imported: z.number().int(),
  alreadyPresent: z.number().int(),
  folded: z.number().int(),
  historyEntries: z.number().int(),
  ids: z.record(z.string()),
}).openapi("ImportReply");

export const Job = object({
  id: z.string(),
  userId: z.string(),
  kind: z
    .enum(["memory update", "profile refresh"])
    .describe("a turn's memory update, or the refresh of the user's profile it queued"),
  state: z.enum(JOB_STATES as [JobState, ...JobState[]]),
  attempts: z.number().int(),
  nextAttemptAt: time,
  lastError: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
  threadId: z.string().nullable(),
  sourceId: z.string().nullable(),
  messages: z.number().int().describe("how many messages the turn has (their text is not shown)"),
  changes: z.array(change).nullable(),
}).openapi("Job");
export const JobList = object({ userId: z.string(), jobs: z.array(Job) }).openapi("JobList");
export const RetryReply = object({ userId: z.string(), retried: z.array(z.string()) }).openapi("RetryReply");
export const DropReply = object({ id: z.string(), dropped: z.literal(true) }).openapi("DropReply");

export const StoreItem = object({
  namespace: z.array(z.string()),
  key: z.string(),
  value: Memory,
  created_at: time,
  updated_at: time,
  score: z.number().optional(),
}).openapi("StoreItem");
export const StoreItems = object({ items: z.array(StoreItem) }).openapi("StoreItems");
export const StoreNamespaces = object({ namespaces: z.array(z.array(z.string())) }).openapi("StoreNamespaces");

const entitySummary = object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ENTITY_KINDS),
  aliases: z.array(z.string()),
  memories: z.number().int().describe("memories (current and superseded) that name it"),
});
const mapEdge = object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  type: z.string(),
  validFrom: time,
  validTo: time.nullable(),
});
export const EntityList = object({ userId: z.string(), entities: z.array(entitySummary) }).openapi("EntityList");
export const EntityTimeline = object({
  userId: z.string(),
  entity: entitySummary,
  memories: z.array(Memory),
  relations: z.array(mapEdge.extend({ fromName: z.string(), toName: z.string() })),
}).openapi("EntityTimeline");
export const MemoryMapReply = object({
  userId: z.string(),
  nodes: z.array(
    object({ id: z.string(), name: z.string(), kind: z.enum([...ENTITY_KINDS, "user"]), memories: z.number().int() }),
  ),
  edges: z.array(mapEdge),
}).openapi("MemoryMapReply");

const topicInterest = object({
  topic: z.string(),
  questions: z.number().int().describe("questions that named it"),
  weight: z
    .number()
    .describe("time-decayed weight now (a question counts 1 when asked, half after INTEREST_HALF_LIFE_DAYS)"),
  recentShare: z.number().describe("its share of today's decayed weight of every topic"),
  overallShare: z.number().describe("its share of every question ever recorded"),
  firstAt: time,
  lastAt: time,
  trend: z.enum(["rising", "steady", "fading"]),
});
const profileLines = z.array(z.string());
export const ProfileReply = object({
  userId: z.string(),
  status: z
    .enum(["ready", "pending", "empty"])
    .describe("pending: memories changed and a refresh is queued; empty: nothing known yet"),
  summary: object({
    identity: profileLines,
    preferences: profileLines,
    constraints: profileLines,
    focus: profileLines,
  }),
  source: z
    .enum(["model", "rules"])
    .nullable()
    .describe("who wrote the summary: the chat model, or the rules from memory categories and entities"),
  memoryCount: z.number().int(),
  refreshedAt: time.nullable(),
  pendingSince: time.nullable(),
  note: z.string().nullable(),
  interests: object({
    current: z.array(topicInterest),
    earlier: z.array(topicInterest),
    questions: z.number().int(),
  }),
}).openapi("ProfileReply");

/** The OpenAPI document itself (its own shape is OpenAPI's, not ours). */
export const OpenApiReply = z.object({ openapi: z.string() }).passthrough().openapi("OpenApiReply");

// Compile-time checks: each view the routes send must fit its schema.
type Fits<View extends Schema, Schema> = View;
export type _CheckedViews = [
  Fits<ErrorBody, z.infer<typeof ErrorReply>>,
  Fits<MemoryView, z.infer<typeof Memory>>,
  Fits<HistoryEntry, z.infer<typeof History>>,
  Fits<MemoryChange, z.infer<typeof change>>,
  Fits<SearchResultView, z.infer<typeof searchResult>>,
  Fits<UserExport, z.infer<typeof ExportReply>>,
  Fits<ImportResult, z.infer<typeof ImportReply>>,
  Fits<ReturnType<typeof jobView>, z.infer<typeof Job>>,
  Fits<EntitySummary, z.infer<typeof entitySummary>>,
  Fits<MemoryMap, z.infer<typeof MemoryMapReply>>,
  Fits<ProfileView, z.infer<typeof ProfileReply>>,
];
