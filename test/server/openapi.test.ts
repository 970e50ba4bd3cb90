/**
 * GET /openapi.json: an OpenAPI 3.1 document with every route of the HTTP app, every `$ref`
 * resolvable, every error answer in the API's error shape, and the bearer scheme. The document is
 * generated from the routes as they are added (src/server/openapi/api-route.ts); a route added
 * past that, with a plain `app.get`, is caught here. (The dev-server fuzz,
 * test/faults/api-fuzz.test.ts, checks real answers against it.)
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { createApp } from "../../src/server/create-app.js";
import { makeTestDeps } from "../graph/graph-harness.js";

type Json = Record<string, any>;
const { engine } = makeTestDeps();
const app = createApp({ memory: async () => engine, logger: silentLogger, maxTextChars: 8000 });

async function served(): Promise<Json> {
  const res = await app.request("/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return (await res.json()) as Json;
}

/** The app's routes (`get /memories/{id}`) that the document does not describe, and the reverse. */
function undocumented(routes: { method: string; path: string }[], doc: Json) {
  const served = routes
    .filter((r) => r.method !== "ALL")
    .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
  const documented = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method} ${path}`),
  );
  return {
    served: [...new Set(served)],
    notInDocument: served.filter((route) => !documented.includes(route)),
    notServed: documented.filter((route) => !served.includes(route)),
  };
}

function resolve(doc: Json, ref: string): unknown {
  expect(ref.startsWith("#/")).toBe(true);
  return ref
    .slice(2)
    .split("/")
    .reduce<any>((at, key) => at?.[key], doc);
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with the bearer scheme, and every $ref in it resolves", async () => {
    const doc = await served();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: "http", scheme: "bearer" }),
    );
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(resolve(doc, ref), ref).toBeDefined();
  });

  it("lists every route of the app, with its path parameters, and the errors in the API's shape", async () => {
    const doc = await served();
    const { served: routes, notInDocument, notServed } = undocumented(app.routes, doc);
    expect(routes.length).toBeGreaterThanOrEqual(35);
    expect(notInDocument).toEqual([]);
    expect(notServed).toEqual([]);

    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const op of Object.values(item as Json) as Json[]) {
        ids.add(op.operationId);
        const declared = (op.parameters ?? []).filter((p: Json) => p.in === "path").map((p: Json) => p.name);
        expect(declared).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
        for (const status of ["400", "401", "403", "500", "503"])
          expect(op.responses[status], `${path} ${status}`).toBeDefined();
        const error = resolve(doc, op.responses["401"].$ref) as Json;
        expect(error.content["application/json"].schema.$ref).toBe("#/components/schemas/ErrorReply");
      }
    }
    expect(ids.size).toBe(routes.length);
    expect(doc.components.schemas.ErrorReply.required).toEqual(["error", "message"]);
  });

  it("catches a route added without a definition, bypassing the document", async () => {
    const other = createApp({ memory: async () => engine, logger: silentLogger, maxTextChars: 8000 });
    other.get("/memories/count", (c) => c.json({ count: 0 }));
    const doc = (await (await other.request("/openapi.json")).json()) as Json;
    expect(undocumented(other.routes, doc).notInDocument).toEqual(["get /memories/count"]);
  });

  it("describes request bodies with the same limits the routes enforce", async () => {
    const doc = await served();
    const search = doc.components.schemas.SearchMemoriesBody;
    expect(search.additionalProperties).toBe(false);
    expect(search.properties.query.maxLength).toBe(8000);
    expect(search.properties.limit).toEqual(expect.objectContaining({ minimum: 1, maximum: 100 }));
    const tooLong = await app.request("/memories/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "alice", query: "x".repeat(8001) }),
    });
    expect(tooLong.status).toBe(400);
  });
});
