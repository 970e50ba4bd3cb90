import { Hono } from "hono";
import type { MemoryFilter } from "../memory/types.js";
import { limitBody, readJson, readQuery } from "./body.js";
import type { AppDeps } from "./deps.js";
import type { ServerEnv } from "./env.js";
import { HttpError } from "./errors.js";
import { requestUserId } from "./identity.js";
import { chronological, memoryView, searchResultView } from "../app/memory-view.js";
import { bodySchemas, ListQuery, UserQuery } from "./schemas.js";

/** One user's memories: list, search, get, history, feedback, edit, delete, add. */
export function memoryRoutes(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const schemas = bodySchemas(deps.maxTextChars);
  const notFound = (id: string) => new HttpError(404, "not_found", `No memory with id ${id} for this user`);

  app.get("/memories", async (c) => {
    const q = readQuery(c, ListQuery);
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
  });

  app.post("/memories/search", limitBody(), async (c) => {
    const body = await readJson(c, schemas.search);
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
  });

  app.post("/memories", limitBody(), async (c) => {
    const body = await readJson(c, schemas.add);
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
  });

  app.get("/memories/:id", async (c) => {
    const userId = requestUserId(c, readQuery(c, UserQuery).userId);
    const memory = await (await deps.memory()).get(c.req.param("id"), { userId });
    if (!memory) throw notFound(c.req.param("id"));
    return c.json(memoryView(memory));
  });

  app.get("/memories/:id/history", async (c) => {
    const userId = requestUserId(c, readQuery(c, UserQuery).userId);
    const id = c.req.param("id");
    const engine = await deps.memory();
    const history = await engine.history(id, { userId });
    // A deleted memory keeps its history (until the user is forgotten): that is still an answer.
    if (history.length === 0 && !(await engine.get(id, { userId }))) throw notFound(id);
    return c.json({ memoryId: id, history: chronological(history) });
  });

  app.post("/memories/:id/feedback", limitBody(), async (c) => {
    const body = await readJson(c, schemas.feedback);
    const userId = requestUserId(c, body.userId);
    const memory = await (
      await deps.memory()
    ).feedback(c.req.param("id"), body.feedback, { userId, threadId: body.threadId });
    return c.json(memoryView(memory));
  });

  app.patch("/memories/:id", limitBody(), async (c) => {
    const body = await readJson(c, schemas.edit);
    const userId = requestUserId(c, body.userId);
    const updated = await (await deps.memory()).update(c.req.param("id"), body.text, { userId });
    return c.json(memoryView(updated));
  });

  app.delete("/memories/:id", async (c) => {
    const userId = requestUserId(c, readQuery(c, UserQuery).userId);
    await (await deps.memory()).delete(c.req.param("id"), { userId });
    return c.json({ id: c.req.param("id"), deleted: true });
  });

  return app;
}
