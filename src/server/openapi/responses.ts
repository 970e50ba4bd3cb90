import { z } from "zod";
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
 * The reply shapes of the memory routes, for the OpenAPI document. The routes build their replies
 * from the TypeScript views (memory-view.ts, user-transfer.ts, queue/views.ts); the checks at the
 * end of this file make `tsc` fail when a view and its schema here drift apart.
 */
const time = z.string();
const category = z.enum(MEMORY_CATEGORIES);
const operation = z.enum(["ADD", "UPDATE", "SUPERSEDE", "DELETE"]);
const historyOperation = z.enum(["ADD", "UPDATE", "SUPERSEDE", "DELETE", ...FEEDBACK_OPERATIONS]);

export const ErrorReply = z.object({
  error: z.string().describe("machine-readable code, e.g. invalid_input, not_found"),
  message: z.string().describe("what went wrong and what to do"),
});

export const Memory = z.object({
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
});

export const History = z.object({
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
});

const change = z.object({
  operation,
  memoryId: z.string(),
  text: z.string(),
  oldText: z.string().optional(),
  supersededId: z.string().optional(),
  category,
});

const fusion = z.object({
  dense: z.number(),
  lexical: z.number(),
  coverage: z.number(),
  denseOrder: z.number(),
  lexicalOrder: z.number(),
  lexicalCoverage: z.number(),
});

export const MemoryList = z.object({
  userId: z.string(),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  memories: z.array(Memory),
});

const searchResult = z.object({
  memory: Memory,
  score: z.number(),
  denseRank: z.number().int().optional(),
  lexicalRank: z.number().int().optional(),
  fusion: fusion.optional(),
  explain: z
    .object({
      relevance: z.number(),
      feedback: z.number(),
      recency: z.number(),
      lifted: z.boolean(),
    })
    .optional(),
});
export const SearchReply = z.object({ userId: z.string(), results: z.array(searchResult) });
export const HistoryReply = z.object({ memoryId: z.string(), history: z.array(History) });
export const AddReply = z.object({ userId: z.string(), changes: z.array(change) });
export const DeleteReply = z.object({ id: z.string(), deleted: z.literal(true) });
export const ForgetReply = z.object({
  userId: z.string(),
  memories: z.number().int(),
  history: z.number().int(),
  queuedUpdates: z.number().int(),
  entities: z.number().int(),
  relations: z.number().int(),
  profiles: z.number().int(),
  questions: z.number().int(),
});
export const ExportReply = z.object({
  userId: z.string(),
  exportedAt: time,
  memories: z.array(Memory.extend({ history: z.array(History), entities: z.array(ExportedEntity).optional() })),
  relations: z.array(ExportedRelation).optional(),
  profile: ExportedProfile.nullable().optional(),
  questions: ExportedQuestions.optional(),
});
export const ImportReply = z.object({
  userId: z.string(),
  imported: z.number().int(),
  alreadyPresent: z.number().int(),
  folded: z.number().int(),
  historyEntries: z.number().int(),
  ids: z.record(z.string()),
});

export const Job = z.object({
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
});
export const JobList = z.object({ userId: z.string(), jobs: z.array(Job) });
export const RetryReply = z.object({ userId: z.string(), retried: z.array(z.string()) });
export const DropReply = z.object({ id: z.string(), dropped: z.literal(true) });

export const StoreItem = z.object({
  namespace: z.array(z.string()),
  key: z.string(),
  value: Memory,
  created_at: time,
  updated_at: time,
  score: z.number().optional(),
});
export const StoreItems = z.object({ items: z.array(StoreItem) });
export const StoreNamespaces = z.object({ namespaces: z.array(z.array(z.string())) });

const entitySummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ENTITY_KINDS),
  aliases: z.array(z.string()),
  memories: z.number().int().describe("memories (current and superseded) that name it"),
});
const mapEdge = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  type: z.string(),
  validFrom: time,
  validTo: time.nullable(),
});
export const EntityList = z.object({ userId: z.string(), entities: z.array(entitySummary) });
export const EntityTimeline = z.object({
  userId: z.string(),
  entity: entitySummary,
  memories: z.array(Memory),
  relations: z.array(mapEdge.extend({ fromName: z.string(), toName: z.string() })),
});
export const MemoryMapReply = z.object({
  userId: z.string(),
  nodes: z.array(
    z.object({ id: z.string(), name: z.string(), kind: z.enum([...ENTITY_KINDS, "user"]), memories: z.number().int() }),
  ),
  edges: z.array(mapEdge),
});

const topicInterest = z.object({
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
export const ProfileReply = z.object({
  userId: z.string(),
  status: z
    .enum(["ready", "pending", "empty"])
    .describe("pending: memories changed and a refresh is queued; empty: nothing known yet"),
  summary: z.object({
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
  interests: z.object({
    current: z.array(topicInterest),
    earlier: z.array(topicInterest),
    questions: z.number().int(),
  }),
});

/** The OpenAPI document itself (its own shape is OpenAPI's, not ours). */
export const OpenApiReply = z.object({ openapi: z.string() }).passthrough();

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
