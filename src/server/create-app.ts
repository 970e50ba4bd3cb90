import type { AppDeps } from "./deps.js";
import { entityRoutes } from "./entity-routes.js";
import { errorResponse } from "./errors.js";
import { memoryRoutes } from "./memory-routes.js";
import { apiRoutes, type ApiRoutes } from "./openapi/api-route.js";
import { addOpenApiRoute } from "./openapi/route.js";
import { profileRoutes } from "./profile-routes.js";
import { queueRoutes } from "./queue-routes.js";
import { storeItemRoutes } from "./store-item-routes.js";
import { storeSearchRoutes } from "./store-search-routes.js";
import { userRoutes } from "./user-routes.js";
import { inspectorRoutes } from "./ui-routes.js";

/**
 * The HTTP app mounted by `langgraph dev` (langgraph.json `http.app`) before its built-in routes:
 * the memory admin API, /store/* routes that show the real long-term memory to Studio and the
 * SDK, the memory inspector page (src/ui) on them, and the OpenAPI document of them all, generated
 * from the routes as each part adds them (openapi/). Only exact paths are registered (no wildcard
 * middleware), so the built-in routes are untouched.
 */
export function createApp(deps: AppDeps): ApiRoutes {
  const app = apiRoutes();
  app.onError((error, c) => errorResponse(error, c, deps.logger));
  app.route("/", memoryRoutes(deps));
  app.route("/", userRoutes(deps));
  app.route("/", entityRoutes(deps));
  app.route("/", profileRoutes(deps));
  app.route("/", queueRoutes(deps));
  app.route("/", storeItemRoutes(deps));
  app.route("/", storeSearchRoutes(deps));
  app.route("/", inspectorRoutes());
  addOpenApiRoute(app);
  return app;
}
