import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { MemoryNotFoundError, type MemoryEngine } from "../memory/engine.js";
import type { MemoryRecord } from "../memory/types.js";
import { readJson } from "./body.js";
import type { AppDeps } from "./deps.js";
import type { ServerEnv } from "./env.js";
import { HttpError } from "./errors.js";
import { requestUserId } from "./identity.js";
import { addRoute, apiRoutes, type ApiRoutes } from "./openapi/api-route.js";
import * as reply from "./openapi/responses.js";
import { assertNamespaceLabels, namespaceUser, otherNamespace, storeItem } from "./store-namespace.js";
import { DeleteItem, GetItem, memoryValue, PutItem, putItemBody } from "./store-schemas.js";

/**
 * GET / PUT / DELETE /store/items over long-term memory, in the built-in routes' shapes. A PUT
 * goes through the engine (an edit is recorded in history); a new memory's key is chosen by the
 * engine and returned in Content-Location.
 */
export function storeItemRoutes(deps: AppDeps): ApiRoutes {
  const app = apiRoutes();
  const route = { path: "/store/items", tag: "store", errors: [404, 422] } as const;

  addRoute(
    app,
    {
      ...route,
      method: "get",
      operationId: "getStoreItem",
      summary: "A memory as a LangGraph store item (null when the user has no such memory)",
      query: GetItem,
      ok: { 200: reply.StoreItem.nullable().openapi("GetStoreItemReply") },
    },
    async (c, { query: q }) => {
      const userId = ownerOf(c, q.namespace ? q.namespace.split(".") : []);
      const record = await (await deps.memory()).get(q.key, { userId });
      return c.json(record ? storeItem(record) : null);
    },
  );

  addRoute(
    app,
    {
      ...route,
      method: "put",
      operationId: "putStoreItem",
      summary: "Edit a memory's text, or add a memory (its key is in Content-Location)",
      body: putItemBody(deps.maxTextChars),
      before: [namespaceBeforeValue],
      ok: { 204: null },
    },
    async (c, { body }) => {
      const userId = ownerOf(c, body.namespace);
      const engine = await deps.memory();
      const existing = await engine.get(body.key, { userId });
      const id = existing ? await edit(engine, existing, body.value) : await add(engine, userId, body.value);
      c.header(
        "Content-Location",
        `/store/items?namespace=${encodeURIComponent(body.namespace.join("."))}&key=${encodeURIComponent(id)}`,
      );
      return c.body(null, 204);
    },
  );

  addRoute(
    app,
    {
      ...route,
      method: "delete",
      operationId: "deleteStoreItem",
      summary: "Delete a memory (a key the user does not have succeeds too)",
      body: DeleteItem,
      ok: { 204: null },
    },
    async (c, { body }) => {
      const userId = ownerOf(c, body.namespace ?? []);
      try {
        await (await deps.memory()).delete(body.key, { userId });
      } catch (error) {
        // Deleting what is not there succeeds, as in the built-in store.
        if (!(error instanceof MemoryNotFoundError)) throw error;
      }
      return c.body(null, 204);
    },
  );

  return app;
}

/** The owner of a memory namespace, after the caller's identity has had its say. */
function ownerOf(c: Context<ServerEnv>, namespace: string[]): string {
  const user = namespaceUser(namespace);
  if (user === undefined) throw otherNamespace(namespace);
  return requestUserId(c, user);
}

/**
 * A put's namespace is judged before its value: another namespace answers 404 (another user
 * 403) whatever the value holds, and only then is the value checked as a memory's.
 */
const namespaceBeforeValue: MiddlewareHandler<ServerEnv> = async (c, next) => {
  const { namespace } = await readJson(c, PutItem);
  assertNamespaceLabels(namespace);
  ownerOf(c, namespace);
  await next();
};

type MemoryValue = z.infer<ReturnType<typeof memoryValue>>;

async function edit(engine: MemoryEngine, existing: MemoryRecord, fact: MemoryValue): Promise<string> {
  for (const field of ["category", "about"] as const) {
    if (fact[field] !== undefined && fact[field] !== existing[field]) {
      throw new HttpError(
        400,
        "invalid_input",
        `value.${field}: a memory's ${field} cannot be changed through the store (only its text); delete the memory and put it again`,
      );
    }
  }
  if (fact.text !== existing.text) await engine.update(existing.id, fact.text, { userId: existing.userId });
  return existing.id;
}

async function add(engine: MemoryEngine, userId: string, fact: MemoryValue): Promise<string> {
  const { changes } = await engine.add([], {
    userId,
    infer: false,
    facts: [
      {
        text: fact.text,
        category: fact.category,
        about: fact.about,
        eventTime: fact.eventTime ?? undefined,
        metadata: fact.metadata,
      },
    ],
  });
  if (changes[0]) return changes[0].memoryId;
  // The same fact was already stored: the put names that memory.
  const same = await engine.findFact(fact.text, { userId });
  if (!same) throw new Error("The memory engine stored nothing and found no existing copy of the fact");
  return same.id;
}
