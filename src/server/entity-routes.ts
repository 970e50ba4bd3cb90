import { Hono } from "hono";
import { entityTimeline, findEntity, listEntities, memoryMap } from "../memory/entities/map.js";
import { mapToDot, mapToSvg } from "../memory/entities/render.js";
import { readQuery } from "./body.js";
import type { AppDeps } from "./deps.js";
import { EntityParams, MapQuery } from "./entity-schemas.js";
import type { ServerEnv } from "./env.js";
import { HttpError } from "./errors.js";
import { requestUserId } from "./identity.js";
import { memoryView } from "../app/memory-view.js";
import { UserQuery } from "./schemas.js";

/** One user's memory map: entities, one entity with its memories as a timeline, the map (json, dot, svg). */
export function entityRoutes(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.get("/entities", async (c) => {
    const userId = requestUserId(c, readQuery(c, UserQuery).userId);
    return c.json({ userId, entities: await listEntities(await deps.memory(), userId) });
  });

  // Before /entities/:name, so "map" is never read as an entity's name.
  app.get("/entities/map", async (c) => {
    const q = readQuery(c, MapQuery);
    const userId = requestUserId(c, q.userId);
    const map = await memoryMap(await deps.memory(), userId);
    if (q.format === "dot") return c.body(mapToDot(map), 200, { "content-type": "text/vnd.graphviz; charset=utf-8" });
    if (q.format === "svg") return c.body(mapToSvg(map), 200, { "content-type": "image/svg+xml; charset=utf-8" });
    return c.json(map);
  });

  app.get("/entities/:name", async (c) => {
    const userId = requestUserId(c, readQuery(c, UserQuery).userId);
    const { name } = EntityParams.parse({ name: c.req.param("name") });
    const engine = await deps.memory();
    const entity = await findEntity(engine, userId, name);
    // The name is not echoed: a response must never carry text
    // only the caller's request put there as if it were stored.
    if (!entity)
      throw new HttpError(404, "not_found", "This user has no entity of that name: GET /entities lists them");
    const timeline = await entityTimeline(engine, userId, entity);
    return c.json({ userId, ...timeline, memories: timeline.memories.map(memoryView) });
  });

  return app;
}
