import { Hono } from "hono";
import { limitBody, MAX_IMPORT_BYTES, readJson } from "./body.js";
import type { AppDeps } from "./deps.js";
import type { ServerEnv } from "./env.js";
import { requestUserId } from "./identity.js";
import { ImportDocument } from "../app/transfer/format.js";
import { exportUser, importUser } from "../app/transfer/user-transfer.js";

/** Whole-user operations: forget (a real erase), export and import. */
export function userRoutes(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.delete("/users/:userId/memories", async (c) => {
    const userId = requestUserId(c, c.req.param("userId"));
    const erased = await (await deps.memory()).forgetUser(userId);
    return c.json({ userId, ...erased });
  });

  app.get("/users/:userId/export", async (c) => {
    const userId = requestUserId(c, c.req.param("userId"));
    return c.json(await exportUser(await deps.memory(), userId));
  });

  app.post("/users/:userId/import", limitBody(MAX_IMPORT_BYTES), async (c) => {
    const userId = requestUserId(c, c.req.param("userId"));
    const doc = await readJson(c, ImportDocument);
    return c.json(await importUser(await deps.memory(), userId, doc));
  });

  return app;
}
