import { entityTimeline, findEntity, listEntities, memoryMap } from "../memory/entities/map.js";
import { mapToDot, mapToSvg } from "../memory/entities/render.js";
import type { AppDeps } from "./deps.js";
import { EntityParams, MapQuery } from "./entity-schemas.js";
import { HttpError } from "./errors.js";
import { requestUserId } from "./identity.js";
import { memoryView } from "../app/memory-view.js";
import { addRoute, apiRoutes, type ApiRoutes } from "./openapi/api-route.js";
import * as reply from "./openapi/responses.js";
import { UserQuery } from "./schemas.js";

/** One user's memory map: entities, one entity with its memories as a timeline, the map (json, dot, svg). */
export function entityRoutes(deps: AppDeps): ApiRoutes {
  const app = apiRoutes();
  const tag = "entities";

  addRoute(
    app,
    {
      method: "get",
      path: "/entities",
      operationId: "listEntities",
      tag,
      summary: "The user's entities (people, pets, places, ...), most mentioned first",
      query: UserQuery,
      ok: { 200: reply.EntityList },
    },
    async (c, { query }) => {
      const userId = requestUserId(c, query.userId);
      return c.json({ userId, entities: await listEntities(await deps.memory(), userId) });
    },
  );

  // Before /entities/{name}, so "map" is never read as an entity's name.
  addRoute(
    app,
    {
      method: "get",
      path: "/entities/map",
      operationId: "memoryMap",
      tag,
      summary:
        "The memory map: entities and their relations (format=json; dot and svg answer text/vnd.graphviz and image/svg+xml)",
      query: MapQuery,
      ok: { 200: reply.MemoryMapReply },
      textTypes: ["text/vnd.graphviz", "image/svg+xml"],
    },
    async (c, { query: q }) => {
      const userId = requestUserId(c, q.userId);
      const map = await memoryMap(await deps.memory(), userId);
      if (q.format === "dot") return c.body(mapToDot(map), 200, { "content-type": "text/vnd.graphviz; charset=utf-8" });
      if (q.format === "svg") return c.body(mapToSvg(map), 200, { "content-type": "image/svg+xml; charset=utf-8" });
      return c.json(map);
    },
  );

  addRoute(
    app,
    {
      method: "get",
      path: "/entities/{name}",
      operationId: "getEntity",
      tag,
      summary: "One entity: its relations and its memories as a timeline",
      query: UserQuery,
      ok: { 200: reply.EntityTimeline },
      errors: [404],
    },
    async (c, { query }) => {
      const userId = requestUserId(c, query.userId);
      // The name is checked after the user: another user's request is refused (403) whatever it names.
      const { name } = EntityParams.parse({ name: c.req.param("name") });
      const engine = await deps.memory();
      const entity = await findEntity(engine, userId, name);
      // The name is not echoed: a response must never carry text
      // only the caller's request put there as if it were stored.
      if (!entity)
        throw new HttpError(404, "not_found", "This user has no entity of that name: GET /entities lists them");
      const timeline = await entityTimeline(engine, userId, entity);
      return c.json({ userId, ...timeline, memories: timeline.memories.map(memoryView) });
    },
  );

  return app;
}
