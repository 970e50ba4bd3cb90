import type { AnyZodObject, ZodTypeAny } from "zod";
import { GetItem, DeleteItem, ListNamespaces, putItemBody, SearchItems } from "../store-schemas.js";
import { bodySchemas, ListQuery, QueueQuery, UserBody, UserQuery } from "../schemas.js";
import { ImportDocument } from "../../app/transfer/format.js";
import { MapQuery } from "../entity-schemas.js";
import * as reply from "./responses.js";
import { INSPECTOR_PATHS } from "../ui-routes.js";

/**
 * Every route of the HTTP app (create-app.ts), with the schemas that validate its input and
 * describe its replies: the single source of the OpenAPI document (document.ts). A test checks
 * that the app has no route missing here.
 */
export interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path template (`{id}` where the app route has `:id`). */
  path: string;
  operationId: string;
  tag: "memories" | "users" | "queue" | "entities" | "profile" | "store" | "meta" | "inspector";
  summary: string;
  query?: AnyZodObject;
  body?: ZodTypeAny;
  /** Success replies: status → schema (null: no body). */
  ok: Record<number, ZodTypeAny | null>;
  /** Media types besides JSON the success reply can have (chosen by a query parameter). */
  textTypes?: string[];
  /** The one media type of a success reply that is a file, not JSON (the inspector's page, script, style). */
  file?: string;
  /** Error statuses beyond those every route can answer (see document.ts). */
  errors?: number[];
}

export function operations(maxTextChars: number): Operation[] {
  const body = bodySchemas(maxTextChars);
  return [
    {
      method: "get",
      path: "/memories",
      operationId: "listMemories",
      tag: "memories",
      summary: "List a user's memories, newest first",
      query: ListQuery,
      ok: { 200: reply.MemoryList },
    },
    {
      method: "post",
      path: "/memories/search",
      operationId: "searchMemories",
      tag: "memories",
      summary: "Hybrid search over a user's memories",
      body: body.search,
      ok: { 200: reply.SearchReply },
    },
    {
      method: "post",
      path: "/memories",
      operationId: "addMemories",
      tag: "memories",
      summary: "Add memories from a turn (the model extracts facts) or ready-made facts (infer: false)",
      body: body.add,
      ok: { 200: reply.AddReply, 201: reply.AddReply },
      errors: [502, 504],
    },
    {
      method: "get",
      path: "/memories/{id}",
      operationId: "getMemory",
      tag: "memories",
      summary: "One memory",
      query: UserQuery,
      ok: { 200: reply.Memory },
      errors: [404],
    },
    {
      method: "get",
      path: "/memories/{id}/history",
      operationId: "memoryHistory",
      tag: "memories",
      summary: "Every change of a memory, oldest first",
      query: UserQuery,
      ok: { 200: reply.HistoryReply },
      errors: [404],
    },
    {
      method: "post",
      path: "/memories/{id}/feedback",
      operationId: "memoryFeedback",
      tag: "memories",
      summary:
        "The user's feedback on a memory: wrong (no longer current, kept as history), down or up (its ranking weight)",
      body: body.feedback,
      ok: { 200: reply.Memory },
      errors: [404],
    },
    {
      method: "patch",
      path: "/memories/{id}",
      operationId: "editMemory",
      tag: "memories",
      summary: "Replace a memory's text",
      body: body.edit,
      ok: { 200: reply.Memory },
      errors: [404],
    },
    {
      method: "delete",
      path: "/memories/{id}",
      operationId: "deleteMemory",
      tag: "memories",
      summary: "Delete a memory (its history stays)",
      query: UserQuery,
      ok: { 200: reply.DeleteReply },
      errors: [404],
    },
    {
      method: "delete",
      path: "/users/{userId}/memories",
      operationId: "forgetUser",
      tag: "users",
      summary: "Erase every memory of a user, their history and queued updates",
      ok: { 200: reply.ForgetReply },
    },
    {
      method: "get",
      path: "/users/{userId}/export",
      operationId: "exportUser",
      tag: "users",
      summary: "Every memory of a user with its history",
      ok: { 200: reply.ExportReply },
    },
    {
      method: "post",
      path: "/users/{userId}/import",
      operationId: "importUser",
      tag: "users",
      summary: "Import a file written by export (ids are re-created)",
      body: ImportDocument,
      ok: { 200: reply.ImportReply },
    },
    {
      method: "get",
      path: "/queue/jobs",
      operationId: "listJobs",
      tag: "queue",
      summary: "A user's memory update jobs, oldest first",
      query: QueueQuery,
      ok: { 200: reply.JobList },
    },
    {
      method: "get",
      path: "/queue/jobs/{id}",
      operationId: "getJob",
      tag: "queue",
      summary: "One memory update job",
      query: UserQuery,
      ok: { 200: reply.Job },
      errors: [404],
    },
    {
      method: "post",
      path: "/queue/jobs/retry",
      operationId: "retryJobs",
      tag: "queue",
      summary: "Queue every dead or waiting job of the user again, due now",
      body: UserBody,
      ok: { 200: reply.RetryReply },
    },
    {
      method: "post",
      path: "/queue/jobs/{id}/retry",
      operationId: "retryJob",
      tag: "queue",
      summary: "Queue a dead or waiting job again, due now",
      body: UserBody,
      ok: { 200: reply.RetryReply },
      errors: [404, 409],
    },
    {
      method: "delete",
      path: "/queue/jobs/{id}",
      operationId: "dropJob",
      tag: "queue",
      summary: "Drop a job that is not running",
      query: UserQuery,
      ok: { 200: reply.DropReply },
      errors: [404, 409],
    },
    {
      method: "get",
      path: "/entities",
      operationId: "listEntities",
      tag: "entities",
      summary: "The user's entities (people, pets, places, ...), most mentioned first",
      query: UserQuery,
      ok: { 200: reply.EntityList },
    },
    {
      method: "get",
      path: "/entities/map",
      operationId: "memoryMap",
      tag: "entities",
      summary:
        "The memory map: entities and their relations (format=json; dot and svg answer text/vnd.graphviz and image/svg+xml)",
      query: MapQuery,
      ok: { 200: reply.MemoryMapReply },
      textTypes: ["text/vnd.graphviz", "image/svg+xml"],
    },
    {
      method: "get",
      path: "/entities/{name}",
      operationId: "getEntity",
      tag: "entities",
      summary: "One entity: its relations and its memories as a timeline",
      query: UserQuery,
      ok: { 200: reply.EntityTimeline },
      errors: [404],
    },
    {
      method: "get",
      path: "/profile",
      operationId: "getProfile",
      tag: "profile",
      summary: "The user's profile (identity, preferences, constraints, focus) and interests over time",
      query: UserQuery,
      ok: { 200: reply.ProfileReply },
    },
    {
      method: "get",
      path: "/store/items",
      operationId: "getStoreItem",
      tag: "store",
      summary: "A memory as a LangGraph store item (null when the user has no such memory)",
      query: GetItem,
      ok: { 200: reply.StoreItem.nullable() },
      errors: [404, 422],
    },
    {
      method: "put",
      path: "/store/items",
      operationId: "putStoreItem",
      tag: "store",
      summary: "Edit a memory's text, or add a memory (its key is in Content-Location)",
      body: putItemBody(maxTextChars),
      ok: { 204: null },
      errors: [404, 422],
    },
    {
      method: "delete",
      path: "/store/items",
      operationId: "deleteStoreItem",
      tag: "store",
      summary: "Delete a memory (a key the user does not have succeeds too)",
      body: DeleteItem,
      ok: { 204: null },
      errors: [404, 422],
    },
    {
      method: "post",
      path: "/store/items/search",
      operationId: "searchStoreItems",
      tag: "store",
      summary: "Search or list a user's memories as store items",
      body: SearchItems,
      ok: { 200: reply.StoreItems },
      errors: [422],
    },
    {
      method: "post",
      path: "/store/namespaces",
      operationId: "listStoreNamespaces",
      tag: "store",
      summary: "Memory namespaces under a prefix",
      body: ListNamespaces,
      ok: { 200: reply.StoreNamespaces },
      errors: [422],
    },
    {
      method: "get",
      path: "/openapi.json",
      operationId: "openApiDocument",
      tag: "meta",
      summary: "This document",
      ok: { 200: reply.OpenApiReply },
    },
    // The page and its files hold no data: it calls the routes above with the caller's token.
    {
      method: "get",
      path: "/ui",
      operationId: "inspectorPage",
      tag: "inspector",
      summary: "The memory inspector page (open it in a browser)",
      ok: { 200: null },
      file: "text/html",
    },
    {
      method: "get",
      path: "/ui/inspector.css",
      operationId: "inspectorStyle",
      tag: "inspector",
      summary: "The inspector page's style sheet",
      ok: { 200: null },
      file: "text/css",
    },
    ...INSPECTOR_PATHS.filter((path) => path.endsWith(".js")).map((path): Operation => ({
      method: "get",
      path,
      operationId: `inspectorScript${scriptName(path)}`,
      tag: "inspector",
      summary: "One module of the inspector page's script",
      ok: { 200: null },
      file: "text/javascript",
    })),
  ];
}

/** "/ui/memories.js" → "Memories": a distinct operation id per module. */
function scriptName(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1, -".js".length);
  return name[0].toUpperCase() + name.slice(1);
}
