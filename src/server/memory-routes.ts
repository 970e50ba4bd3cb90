import type { MemoryFilter } from "../memory/types.js";
import type { AppDeps } from "./deps.js";
import { HttpError } from "./errors.js";
import { requestUserId } from "./identity.js";
import { chronological, memoryView, searchResultView } from "../app/memory-view.js";
import { addRoute, apiRoutes, type ApiRoutes } from "./openapi/api-route.js";
import * as reply from "./openapi/responses.js";
import { bodySchemas, ListQuery, UserQuery } from "./schemas.js";

/** One user's memories: list, search, get, history, feedback, edit, delete, add. */
export function memoryRoutes(deps: AppDeps): ApiRoutes {
  const app = apiRoutes();
  const schemas = bodySchemas(deps.maxTextChars);
  const notFound = (id: string) => new HttpError(404, "not_found", `No memory with id ${id} for this user`);
  const tag = "memories";

  addRoute(
    app,
    {
      method: "get",
      path: "/memories",
      operationId: "listMemories",
      tag,
      summary: "List a user's memories, newest first",
      query: ListQuery,
      ok: { 200: reply.MemoryList },
    },
    async (c, { query: q }) => {
      const userId = requestUserId(c, q.userId);
      if (q.asOf && (q.state !== undefined || q.includeHistory)) {
        throw new HttpError(
          400,
          "invalid_input",
          "asOf lists the memories that held at that time: leave state and includeHistory out",
        );
      }
      const engine = await deps.memory();
      const listing = {
        userId,
        includeHistory: q.includeHistory,
        state: q.state,
        asOf: q.asOf,
        text: q.text,
        filter: q.category ? { category: q.category } : undefined,
      };
      const memories = await engine.list({ ...listing, limit: q.limit, offset: q.offset });
      const total = await engine.count(listing);
      return c.json({ userId, total, limit: q.limit, offset: q.offset, memories: memories.map(memoryView) });
    },
  );

  addRoute(
    app,
    {
      method: "post",
      path: "/memories/search",
      operationId: "searchMemories",
      tag,
      summary: "Hybrid search over a user's memories",
      body: schemas.search,
      ok: { 200: reply.SearchReply },
    },
    async (c, { body }) => {
      const userId = requestUserId(c, body.userId);
      const hits = await (
        await deps.memory()
      ).search(body.query, {
        userId,
        limit: body.limit,
        filter: body.filter as MemoryFilter | undefined,
        asOf: body.asOf,
        includeHistory: body.includeHistory,
        explain: body.explain,
      });
      return c.json({ userId, results: hits.map(searchResultView) });
    },
  );

  addRoute(
    app,
    {
      method: "post",
      path: "/memories",
      operationId: "addMemories",
      tag,
      summary: "Add memories from a turn (the model extracts facts) or ready-made facts (infer: false)",
      body: schemas.add,
      ok: { 200: reply.AddReply, 201: reply.AddReply },
      errors: [502, 504],
    },
    async (c, { body }) => {
      const userId = requestUserId(c, body.userId);
      const result = await (
        await deps.memory()
      ).add(body.messages ?? [], {
        userId,
        infer: body.infer,
        facts: body.facts,
        threadId: body.threadId,
        time: body.time,
        metadata: body.metadata,
      });
      return c.json({ userId, ...result }, result.changes.length > 0 ? 201 : 200);
    },
  );

  addRoute(
    app,
    {
      method: "get",
      path: "/memories/{id}",
      operationId: "getMemory",
      tag,
      summary: "One memory",
      query: UserQuery,
      ok: { 200: reply.Memory },
      errors: [404],
    },
    async (c, { query }) => {
      const userId = requestUserId(c, query.userId);
      const memory = await (await deps.memory()).get(c.req.param("id"), { userId });
      if (!memory) throw notFound(c.req.param("id"));
      return c.json(memoryView(memory));
    },
  );

  addRoute(
    app,
    {
      method: "get",
      path: "/memories/{id}/history",
      operationId: "memoryHistory",
      tag,
      summary: "Every change of a memory, oldest first",
      query: UserQuery,
      ok: { 200: reply.HistoryReply },
      errors: [404],
    },
    async (c, { query }) => {
      const userId = requestUserId(c, query.userId);
      const id = c.req.param("id");
      const engine = await deps.memory();
      const history = await engine.history(id, { userId });
      // A deleted memory keeps its history (until the user is forgotten): that is still an answer.
      if (history.length === 0 && !(await engine.get(id, { userId }))) throw notFound(id);
      return c.json({ memoryId: id, history: chronological(history) });
    },
  );

  addRoute(
    app,
    {
      method: "post",
      path: "/memories/{id}/feedback",
      operationId: "memoryFeedback",
      tag,
      summary:
        "The user's feedback on a memory: wrong (no longer current, kept as history), down or up (its ranking weight)",
      body: schemas.feedback,
      ok: { 200: reply.Memory },
      errors: [404],
    },
    async (c, { body }) => {
      const userId = requestUserId(c, body.userId);
      const memory = await (
        await deps.memory()
      ).feedback(c.req.param("id"), body.feedback, { userId, threadId: body.threadId });
      return c.json(memoryView(memory));
    },
  );

  addRoute(
    app,
    {
      method: "patch",
      path: "/memories/{id}",
      operationId: "editMemory",
      tag,
      summary: "Replace a memory's text",
      body: schemas.edit,
      ok: { 200: reply.Memory },
      errors: [404],
    },
    async (c, { body }) => {
      const userId = requestUserId(c, body.userId);
      const updated = await (await deps.memory()).update(c.req.param("id"), body.text, { userId });
      return c.json(memoryView(updated));
    },
  );

  addRoute(
    app,
    {
      method: "delete",
      path: "/memories/{id}",
      operationId: "deleteMemory",
      tag,
      summary: "Delete a memory (its history stays)",
      query: UserQuery,
      ok: { 200: reply.DeleteReply },
      errors: [404],
    },
    async (c, { query }) => {
      const userId = requestUserId(c, query.userId);
      await (await deps.memory()).delete(c.req.param("id"), { userId });
      return c.json({ id: c.req.param("id"), deleted: true });
    },
  );

  return app;
}
