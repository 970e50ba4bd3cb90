import { Hono } from "hono";
import { NoProfileStoreError } from "../memory/profile/errors.js";
import { readQuery } from "./body.js";
import type { AppDeps } from "./deps.js";
import type { ServerEnv } from "./env.js";
import { requestUserId } from "./identity.js";
import { UserQuery } from "./schemas.js";

/** `GET /profile[?userId=U]`: the caller's profile and interest trend (the user model). */
export function profileRoutes(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.get("/profile", async (c) => {
    const userId = requestUserId(c, readQuery(c, UserQuery).userId);
    const profiles = (await deps.memory()).profiles;
    if (!profiles) throw new NoProfileStoreError();
    return c.json(await profiles.read(userId));
  });

  return app;
}
