import type { ZodTypeAny } from "zod";
import { z } from "zod";
import { zodToJsonSchema } from "zod-to-json-schema";
import { jsonValue } from "../../app/transfer/format.js";
import { operations, type Operation } from "./operations.js";
import * as reply from "./responses.js";

type JsonObject = Record<string, unknown>;

/** Errors every route can answer, with what they mean here. */
const COMMON_ERRORS = [400, 401, 403, 500, 503];
const ERROR_MEANING: Record<number, string> = {
  400: "invalid input (the message names the field), invalid JSON, an invalid filter, or a bad user id",
  401: "token mode: no token (bearer or x-api-key), or an unknown one",
  403: "the request names another user than the token's, or (open mode) it is not addressed to localhost",
  404: "no such memory, job or memory namespace for this user (another user's id answers the same)",
  409: "the job is running or done",
  413: "the body is larger than 1 MiB (64 MiB for an import); the connection is closed",
  422: "a namespace label is empty or contains a period",
  500: "an unexpected failure; the server log has the details",
  502: "the model's answer could not be used, even after one corrective retry; nothing was stored",
  503: "the memory store (or the update queue) cannot be reached; retry after Retry-After seconds",
  504: "the model did not answer within MODEL_TIMEOUT_S; nothing was stored",
};

/**
 * The OpenAPI 3.1 document of the HTTP app, generated from the zod schemas that validate each
 * route's input (schemas.ts, store-schemas.ts) and describe its replies (responses.ts). Built
 * once per app: the text limits come from the server's settings.
 */
export function openApiDocument(maxTextChars: number): JsonObject {
  const ops = operations(maxTextChars);
  const named = componentNames(ops);
  const paths: Record<string, JsonObject> = {};
  for (const op of ops) {
    paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op, named) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "memory chat: memory HTTP API",
      version: "1",
      description:
        "Long-term memory administration, the memory update queue and the LangGraph store view, served beside the LangGraph routes by `npm run dev`. See docs/http-api.md.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
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
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: 'a token of AUTH_TOKENS ("user:token,...")' },
        apiKeyAuth: {
          type: "apiKey",
          in: "header",
          name: "x-api-key",
          description: "the same token, as the LangGraph SDKs send their api_key",
        },
      },
      schemas: componentSchemas(named),
      responses: Object.fromEntries(
        Object.entries(ERROR_MEANING).map(([status, meaning]) => [
          `Error${status}`,
          errorResponse(Number(status), meaning),
        ]),
      ),
    },
  };
}

/** Each schema that gets a component of its own: every reply shape of responses.ts, every body. */
function componentNames(ops: Operation[]): Map<ZodTypeAny, string> {
  const named = new Map<ZodTypeAny, string>([[jsonValue, "JsonValue"]]);
  for (const [name, schema] of Object.entries(reply)) if (schema instanceof z.ZodType) named.set(schema, name);
  for (const op of ops) {
    const base = op.operationId[0].toUpperCase() + op.operationId.slice(1);
    if (op.body && !named.has(op.body)) named.set(op.body, `${base}Body`);
    for (const schema of Object.values(op.ok)) if (schema && !named.has(schema)) named.set(schema, `${base}Reply`);
  }
  return named;
}

/** All components in one conversion, so a shape used in several places is one `$ref`. */
function componentSchemas(named: Map<ZodTypeAny, string>): JsonObject {
  const converted = zodToJsonSchema(z.null(), {
    target: "jsonSchema7",
    $refStrategy: "root",
    basePath: ["#", "components"],
    definitionPath: "schemas",
    definitions: Object.fromEntries([...named].map(([schema, name]) => [name, schema])),
    effectStrategy: "input",
  }) as JsonObject;
  const schemas = converted.schemas as JsonObject;
  return inlineInnerRefs(schemas, schemas) as JsonObject;
}

/**
 * The converter points a shape used twice (one `text` field in several bodies) at its first
 * place, deep inside another component; client generators read plain component refs better, so
 * such refs are replaced by a copy of what they point at.
 */
function inlineInnerRefs(node: unknown, schemas: JsonObject): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineInnerRefs(item, schemas));
  if (!node || typeof node !== "object") return node;
  const ref = (node as JsonObject).$ref;
  if (typeof ref === "string" && !/^#\/components\/schemas\/\w+$/.test(ref)) {
    const target = ref
      .replace("#/components/schemas/", "")
      .split("/")
      .reduce<unknown>((at, key) => (at as JsonObject)[key], schemas);
    return inlineInnerRefs(target, schemas);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inlineInnerRefs(value, schemas)]));
}

function ref(named: Map<ZodTypeAny, string>, schema: ZodTypeAny): JsonObject {
  return { $ref: `#/components/schemas/${named.get(schema)}` };
}

/** Text bodies a route also answers with (the map as Graphviz dot or SVG), as plain strings. */
function textContent(op: Operation): JsonObject {
  return Object.fromEntries((op.textTypes ?? []).map((type) => [type, { schema: { type: "string" } }]));
}

function operationObject(op: Operation, named: Map<ZodTypeAny, string>): JsonObject {
  const responses: JsonObject = {};
  for (const [status, schema] of Object.entries(op.ok)) {
    responses[status] = op.file
      ? { description: "OK", content: { [op.file]: { schema: { type: "string" } } } }
      : schema
        ? { description: "OK", content: { "application/json": { schema: ref(named, schema) }, ...textContent(op) } }
        : { description: "OK, no body" };
  }
  const errors = new Set([...COMMON_ERRORS, ...(op.body ? [413] : []), ...(op.errors ?? [])]);
  for (const status of [...errors].sort()) responses[status] = { $ref: `#/components/responses/Error${status}` };
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    parameters: [...pathParameters(op.path), ...queryParameters(op)],
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: ref(named, op.body) } } } }
      : {}),
    responses,
  };
}

function pathParameters(path: string): JsonObject[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string", minLength: 1 },
  }));
}

function queryParameters(op: Operation): JsonObject[] {
  if (!op.query) return [];
  return Object.entries(op.query.shape as Record<string, ZodTypeAny>).map(([name, schema]) => {
    // Optional is said by `required`; left in, the converter would write it as `anyOf: [{not: {}}, ...]`.
    const value = schema instanceof z.ZodOptional ? (schema.unwrap() as ZodTypeAny) : schema;
    const { $schema: _dialect, ...converted } = zodToJsonSchema(value, {
      target: "jsonSchema7",
      $refStrategy: "none",
      effectStrategy: "input",
    }) as JsonObject;
    return { name, in: "query", required: !schema.isOptional(), schema: converted };
  });
}

function errorResponse(status: number, meaning: string): JsonObject {
  return {
    description: meaning,
    ...(status === 503
      ? { headers: { "Retry-After": { description: "seconds to wait before retrying", schema: { type: "string" } } } }
      : {}),
    content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorReply" } } },
  };
}
