import { Hono } from "hono";
import type { AppDeps } from "../deps.js";
import type { ServerEnv } from "../env.js";
import { openApiDocument } from "./document.js";

/** GET /openapi.json: the OpenAPI 3.1 document of these routes, for generating clients. */
export function openApiRoutes(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const document = openApiDocument(deps.maxTextChars);
  app.get("/openapi.json", (c) => c.json(document));
  return app;
}
