/**
 * How every route reads its input, kept as it was before the routes fed the OpenAPI document: a
 * JSON body whatever its Content-Type, the first value of a repeated query key, bad JSON as
 * `invalid_json`, and the checks of whose memory a request touches before the rest of its input
 * is judged (an import's user before its file, a put's namespace before its value, a user before
 * an entity name).
 */
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { createApp } from "../../src/server/create-app.js";
import type { ServerEnv } from "../../src/server/env.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";

const engine = new MemoryEngine({
  store: new InMemoryMemoryStore(),
  embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
  dims: 16,
});
const open = createApp({ memory: async () => engine, logger: silentLogger, maxTextChars: 8000 });

/** The app as token mode serves it to alice (the auth handler's part played by a middleware). */
const asAlice = new Hono<ServerEnv>();
asAlice.use(async (c, next) => {
  c.set("auth", { user: { identity: "alice", is_authenticated: true }, scopes: [] });
  await next();
});
asAlice.route("/", open);

const send = (method: string, body: string, type?: string) => ({
  method,
  headers: type ? { "content-type": type } : {},
  body,
});

beforeAll(async () => {
  await engine.add([], { userId: "alice", infer: false, facts: [{ text: "I keep bees." }] });
});

describe("reading a route's input", () => {
  it("reads a JSON body sent without a JSON content type", async () => {
    const res = await open.request(
      "/memories/search",
      send("POST", JSON.stringify({ userId: "alice", query: "bees" }), "text/plain"),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(1);
  });

  it("answers invalid_json for a body that is not JSON", async () => {
    const res = await open.request("/memories/search", send("POST", "{not json", "application/json"));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_json" });
  });

  it("takes the first value of a repeated query key", async () => {
    const res = await open.request("/memories?userId=alice&userId=bob");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: "alice", total: 1 });
  });

  it("refuses an import into another user before reading the file", async () => {
    const res = await asAlice.request("/users/bob/import", send("POST", "{not json", "application/json"));
    expect(res.status).toBe(403);
  });

  it("judges a put's namespace before its value", async () => {
    const put = (namespace: string[]) =>
      asAlice.request(
        "/store/items",
        send("PUT", JSON.stringify({ namespace, key: "k", value: {} }), "application/json"),
      );
    expect((await put(["notes", "alice"])).status).toBe(404);
    expect((await put(["memories", "bob"])).status).toBe(403);
    expect((await put(["memories", "a.b"])).status).toBe(422);
    const own = await put(["memories", "alice"]);
    expect(own.status).toBe(400);
    expect(await own.json()).toMatchObject({ error: "invalid_input", message: expect.stringMatching(/value\.text/) });
  });

  it("refuses another user's entity request before judging the name", async () => {
    const res = await asAlice.request(`/entities/${"x".repeat(300)}?userId=bob`);
    expect(res.status).toBe(403);
  });
});
