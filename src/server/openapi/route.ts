import { addRoute, type ApiRoutes } from "./api-route.js";
import { openApiDocument } from "./document.js";
import { OpenApiReply } from "./responses.js";

/**
 * GET /openapi.json: the OpenAPI 3.1 document of the app's routes, for generating clients. Added
 * last: the document lists the routes added before it, and this one.
 */
export function addOpenApiRoute(app: ApiRoutes): void {
  addRoute(
    app,
    {
      method: "get",
      path: "/openapi.json",
      operationId: "openApiDocument",
      tag: "meta",
      summary: "This document",
      ok: { 200: OpenApiReply },
    },
    (c) => c.json(document),
  );
  const document = openApiDocument(app);
}
