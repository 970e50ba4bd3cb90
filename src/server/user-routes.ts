import { MAX_IMPORT_BYTES } from "./body.js";
import type { AppDeps } from "./deps.js";
import { requestUserId } from "./identity.js";
import { ImportDocument } from "../app/transfer/format.js";
import { exportUser, importUser } from "../app/transfer/user-transfer.js";
import { addRoute, apiRoutes, type ApiRoutes } from "./openapi/api-route.js";
import * as reply from "./openapi/responses.js";

/** Whole-user operations: forget (a real erase), export and import. */
export function userRoutes(deps: AppDeps): ApiRoutes {
  const app = apiRoutes();
  const tag = "users";

  addRoute(
    app,
    {
      method: "delete",
      path: "/users/{userId}/memories",
      operationId: "forgetUser",
      tag,
      summary: "Erase every memory of a user, their history and queued updates",
      ok: { 200: reply.ForgetReply },
    },
    async (c) => {
      const userId = requestUserId(c, c.req.param("userId"));
      const erased = await (await deps.memory()).forgetUser(userId);
      return c.json({ userId, ...erased });
    },
  );

  addRoute(
    app,
    {
      method: "get",
      path: "/users/{userId}/export",
      operationId: "exportUser",
      tag,
      summary: "Every memory of a user with its history",
      ok: { 200: reply.ExportReply },
    },
    async (c) => {
      const userId = requestUserId(c, c.req.param("userId"));
      return c.json(await exportUser(await deps.memory(), userId));
    },
  );

  addRoute(
    app,
    {
      method: "post",
      path: "/users/{userId}/import",
      operationId: "importUser",
      tag,
      summary: "Import a file written by export (ids are re-created)",
      body: ImportDocument,
      maxBodyBytes: MAX_IMPORT_BYTES,
      // Whose memory first: another user's id is refused (403) whatever the file holds.
      before: [
        async (c, next) => {
          requestUserId(c, c.req.param("userId"));
          await next();
        },
      ],
      ok: { 200: reply.ImportReply },
    },
    async (c, { body }) => {
      const userId = requestUserId(c, c.req.param("userId"));
      return c.json(await importUser(await deps.memory(), userId, body));
    },
  );

  return app;
}
