import { NoProfileStoreError } from "../memory/profile/errors.js";
import type { AppDeps } from "./deps.js";
import { requestUserId } from "./identity.js";
import { addRoute, apiRoutes, type ApiRoutes } from "./openapi/api-route.js";
import * as reply from "./openapi/responses.js";
import { UserQuery } from "./schemas.js";

/** `GET /profile[?userId=U]`: the caller's profile and interest trend (the user model). */
export function profileRoutes(deps: AppDeps): ApiRoutes {
  const app = apiRoutes();

  addRoute(
    app,
    {
      method: "get",
      path: "/profile",
      operationId: "getProfile",
      tag: "profile",
      summary: "The user's profile (identity, preferences, constraints, focus) and interests over time",
      query: UserQuery,
      ok: { 200: reply.ProfileReply },
    },
    async (c, { query }) => {
      const userId = requestUserId(c, query.userId);
      const profiles = (await deps.memory()).profiles;
      if (!profiles) throw new NoProfileStoreError();
      return c.json(await profiles.read(userId));
    },
  );

  return app;
}
