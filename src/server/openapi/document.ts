import { getOpenApiMetadata } from "@asteasolutions/zod-to-openapi";
import { jsonValue } from "../../app/transfer/format.js";
import type { ApiRoutes } from "./api-route.js";
import { registerErrorResponses } from "./error-responses.js";

/**
 * The OpenAPI 3.1 document of the HTTP app, generated from its routes as they were added
 * (api-route.ts): each route's schemas, the ones that check its input and describe its replies.
 * Built once per app, after its last route.
 */
export function openApiDocument(app: ApiRoutes): Record<string, unknown> {
  const registry = app.openAPIRegistry;
  registerErrorResponses(registry);
  // Written out where a schema uses it (format.ts); its self-references point here.
  registry.registerComponent("schemas", "JsonValue", getOpenApiMetadata(jsonValue));
  registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: 'a token of AUTH_TOKENS ("user:token,...")',
  });
  registry.registerComponent("securitySchemes", "apiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
    description: "the same token, as the LangGraph SDKs send their api_key",
  });
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "memory chat: memory HTTP API",
      version: "1",
      description:
        "Long-term memory administration, the memory update queue and the LangGraph store view, served beside the LangGraph routes by `npm run dev`. See docs/http-api.md.",
    },
    // Token mode (AUTH_TOKENS set) needs the token, as a bearer or
    // as the SDKs' x-api-key; open mode (localhost only) needs none.
    security: [{ bearerAuth: [] }, { apiKeyAuth: [] }, {}],
    tags: [
      { name: "memories", description: "one user's memories" },
      { name: "users", description: "whole-user operations: forget, export, import" },
      { name: "queue", description: "the user's memory update jobs" },
      { name: "entities", description: "the memory map: the user's entities, their relations and memories" },
      { name: "profile", description: "the user model: profile and interest trend" },
      { name: "store", description: 'long-term memory as LangGraph store items (namespace ["memories", <userId>])' },
      { name: "meta", description: "this document" },
      {
        name: "inspector",
        description: "the memory inspector: a page that shows a user's memory through the routes above",
      },
    ],
  });
  // A 3.1 field the generator's types do not know.
  return { ...document, jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema" };
}
