import type { Context } from "hono";
import type { AppDeps } from "./deps.js";
import type { ServerEnv } from "./env.js";
import { HttpError } from "./errors.js";
import { authenticatedIdentity, requestUserId } from "./identity.js";
import { addRoute, apiRoutes, type ApiRoutes } from "./openapi/api-route.js";
import * as reply from "./openapi/responses.js";
import {
  assertNamespaceLabels,
  MEMORY_NAMESPACE,
  memoryFilterOf,
  storeItem,
  userNamespace,
} from "./store-namespace.js";
import { ListNamespaces, SearchItems } from "./store-schemas.js";

/**
 * POST /store/items/search and /store/namespaces over long-term memory. Memories are kept per
 * user and never searched across users: a prefix must name the user (or the caller must be
 * authenticated); prefixes outside ["memories", ...] match nothing here. Listing namespaces
 * shows the caller's own with auth on, and every user's in open mode (localhost development).
 */
export function storeSearchRoutes(deps: AppDeps): ApiRoutes {
  const app = apiRoutes();

  addRoute(
    app,
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
    async (c, { body }) => {
      assertNamespaceLabels(body.namespace_prefix);
      const userId = userUnderPrefix(c, body.namespace_prefix);
      if (userId === undefined) {
        if (body.namespace_prefix[0] === MEMORY_NAMESPACE) {
          throw new HttpError(
            400,
            "user_required",
            `Name the user: namespace_prefix ["${MEMORY_NAMESPACE}", "<userId>"]; memories of different users are never searched together.`,
          );
        }
        return c.json({ items: [] });
      }
      const engine = await deps.memory();
      const filter = memoryFilterOf(body.filter);
      if (body.query?.trim()) {
        const hits = await engine.search(body.query, { userId, filter, limit: body.offset + body.limit });
        return c.json({ items: hits.slice(body.offset).map((h) => storeItem(h.memory, h.score)) });
      }
      const records = await engine.list({ userId, filter, limit: body.limit, offset: body.offset });
      return c.json({ items: records.map((r) => storeItem(r)) });
    },
  );

  addRoute(
    app,
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
    async (c, { body }) => {
      assertNamespaceLabels(body.prefix ?? []);
      assertNamespaceLabels(body.suffix ?? []);
      const prefix = body.prefix ?? [];
      const userId = userUnderPrefix(c, prefix);
      const engine = await deps.memory();
      let users: string[] = [];
      if (userId !== undefined) {
        if ((await engine.count({ userId })) > 0) users = [userId];
      } else if (
        authenticatedIdentity(c) === undefined &&
        prefix.length < 2 &&
        (prefix.length === 0 || prefix[0] === MEMORY_NAMESPACE)
      ) {
        // Open mode (no auth, localhost only): Studio's memory view lists every user's namespace.
        users = await engine.listUsers(body.offset + body.limit);
      }
      const seen = new Set<string>();
      const namespaces: string[][] = [];
      for (const user of users) {
        const namespace = userNamespace(user);
        if (!endsWith(namespace, body.suffix ?? [])) continue;
        const shown = namespace.slice(0, body.max_depth ?? namespace.length);
        if (seen.has(JSON.stringify(shown))) continue;
        seen.add(JSON.stringify(shown));
        namespaces.push(shown);
      }
      return c.json({ namespaces: namespaces.slice(body.offset, body.offset + body.limit) });
    },
  );

  return app;
}

/**
 * The one user whose memory namespace lies under `prefix`: the user it names, else the
 * authenticated caller; undefined when the prefix leaves memory namespaces or names nobody.
 */
function userUnderPrefix(c: Context<ServerEnv>, prefix: string[]): string | undefined {
  if (prefix.length > 2 || (prefix.length > 0 && prefix[0] !== MEMORY_NAMESPACE)) return undefined;
  if (prefix.length === 2) return requestUserId(c, prefix[1]);
  return authenticatedIdentity(c) === undefined ? undefined : requestUserId(c, undefined);
}

function endsWith(namespace: string[], suffix: string[]): boolean {
  return suffix.every((label, i) => namespace[namespace.length - suffix.length + i] === label);
}
