import { OpenAPIHono, z, type RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { AnyZodObject, ZodTypeAny } from "zod";
import { limitBody, readJson, readQuery } from "../body.js";
import type { ServerEnv } from "../env.js";
import { COMMON_ERRORS, errorRef } from "./error-responses.js";

/** A part of the HTTP app whose routes are also its OpenAPI document's operations. */
export type ApiRoutes = OpenAPIHono<ServerEnv>;

export function apiRoutes(): ApiRoutes {
  return new OpenAPIHono<ServerEnv>();
}

type Tag = "memories" | "users" | "queue" | "entities" | "profile" | "store" | "meta" | "inspector";

/** One route, declared once: the router serves it, the document describes it. */
interface ApiRoute<Path extends string, Query extends AnyZodObject | undefined, Body extends ZodTypeAny | undefined> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path template (`{id}`); the router gets `:id`. */
  path: Path;
  operationId: string;
  tag: Tag;
  summary: string;
  query?: Query;
  /** The JSON body. A route with one refuses a larger body than `maxBodyBytes` (413) before reading it. */
  body?: Body;
  maxBodyBytes?: number;
  /** Checks that must answer before the input is judged (whose memory a body names, before its value). */
  before?: MiddlewareHandler<ServerEnv>[];
  /** Success replies: status → schema (null: no body). */
  ok: Record<number, ZodTypeAny | null>;
  /** Media types besides JSON the success reply can have (chosen by a query parameter). */
  textTypes?: string[];
  /** The one media type of a success reply that is a file, not JSON (the inspector's page, script, style). */
  file?: string;
  /** Error statuses beyond those every route can answer (error-responses.ts). */
  errors?: readonly number[];
}

type Parsed<Schema> = Schema extends ZodTypeAny ? z.output<Schema> : undefined;

/** The route's input, read and checked against its schemas before the handler runs. */
interface RouteInput<Query, Body> {
  query: Parsed<Query>;
  body: Parsed<Body>;
}

/** `/memories/{id}` as the router writes it, `/memories/:id`, so `c.req.param("id")` is typed. */
type RouterPath<Path extends string> = Path extends `${infer Head}{${infer Param}}${infer Tail}`
  ? `${Head}:${Param}${RouterPath<Tail>}`
  : Path;

type RouteHandler<Path extends string, Query, Body> = (
  c: Context<ServerEnv, RouterPath<Path>>,
  input: RouteInput<Query, Body>,
) => Response | Promise<Response>;

/** Serves `route` with `handler` and adds it to the app's OpenAPI document. */
export function addRoute<
  Path extends string,
  Query extends AnyZodObject | undefined = undefined,
  Body extends ZodTypeAny | undefined = undefined,
>(app: ApiRoutes, route: ApiRoute<Path, Query, Body>, handler: RouteHandler<Path, Query, Body>): void {
  app.openAPIRegistry.registerPath(routeConfig(route));
  const limit = route.body ? [limitBody(route.maxBodyBytes)] : [];
  const serve: MiddlewareHandler<ServerEnv, RouterPath<Path>> = async (c) => {
    // Read as body.ts always has (a JSON body whatever its Content-Type, a repeated query key's first
    // value), not by the library's validators, so every reply stays what it was.
    const query = route.query ? readQuery(c, route.query) : undefined;
    const body = route.body ? await readJson(c, route.body) : undefined;
    return handler(c, { query, body } as RouteInput<Query, Body>);
  };
  const handlers: MiddlewareHandler<ServerEnv>[] = [...limit, ...(route.before ?? []), serve];
  app.on([route.method.toUpperCase()], [route.path.replace(/\{(\w+)\}/g, ":$1")], ...handlers);
}

function routeConfig(route: ApiRoute<string, AnyZodObject | undefined, ZodTypeAny | undefined>): RouteConfig {
  const name = route.operationId[0].toUpperCase() + route.operationId.slice(1);
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, param]) => [param, z.string().min(1)]);
  const text = Object.fromEntries((route.textTypes ?? []).map((type) => [type, { schema: { type: "string" } }]));
  const responses: RouteConfig["responses"] = {};
  for (const [status, schema] of Object.entries(route.ok)) {
    responses[status] = route.file
      ? { description: "OK", content: { [route.file]: { schema: { type: "string" } } } }
      : schema
        ? { description: "OK", content: { "application/json": { schema }, ...text } }
        : { description: "OK, no body" };
  }
  const errors = new Set([...COMMON_ERRORS, ...(route.body ? [413] : []), ...(route.errors ?? [])]);
  for (const status of [...errors].sort()) responses[status] = errorRef(status);
  return {
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    request: {
      // The router matches only non-empty segments, all a path parameter promises; they are documented, not read.
      ...(params.length ? { params: z.object(Object.fromEntries(params)) } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.body
        ? {
            body: { required: true, content: { "application/json": { schema: bodyNamed(route.body, `${name}Body`) } } },
          }
        : {}),
    },
    responses,
  };
}

const bodyNames = new WeakMap<ZodTypeAny, ZodTypeAny>();

/** The body as a named component; a body two routes share keeps the first route's name. */
function bodyNamed(schema: ZodTypeAny, name: string): ZodTypeAny {
  const named = bodyNames.get(schema) ?? schema.openapi(name);
  bodyNames.set(schema, named);
  return named;
}
