import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { Hono } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { createApp } from "../../src/server/create-app.js";
import type { ServerEnv } from "../../src/server/env.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";

/**
 * Custom auth (issue 7) puts the authenticated user on the Hono context before our routes run;
 * here a middleware plays that part. The authenticated identity must win over any claimed id.
 */
function mountAs(identity: string | undefined, engine: MemoryEngine) {
  const server = new Hono<ServerEnv>();
  server.use(async (c, next) => {
    if (identity) c.set("auth", { user: { identity, is_authenticated: true }, scopes: [] });
    await next();
  });
  server.route("/", createApp({ memory: async () => engine, logger: silentLogger, maxTextChars: 8000 }));
  return server;
}

/** The JSON body of a reply, loosely typed for assertions. */
const read = async (res: Response): Promise<any> => res.json();
const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("requestUserId: the one place a route learns whose memory it touches", () => {
  let engine: MemoryEngine;
  beforeEach(async () => {
    engine = new MemoryEngine({
      store: new InMemoryMemoryStore(),
      embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
      dims: 16,
    });
    await engine.add([], { userId: "alice", infer: false, facts: [{ text: "I keep bees." }] });
    await engine.add([], { userId: "bob", infer: false, facts: [{ text: "I sail." }] });
  });

  it("without auth, takes the claimed user id", async () => {
    const res = await mountAs(undefined, engine).request("/memories?userId=bob");
    expect(res.status).toBe(200);
    expect((await read(res)).memories.map((m: { text: string }) => m.text)).toEqual(["I sail."]);
  });

  it("with auth, the identity is used when no id is claimed", async () => {
    const res = await mountAs("alice", engine).request("/memories");
    expect((await read(res)).memories.map((m: { text: string }) => m.text)).toEqual(["I keep bees."]);
  });

  it("with auth, a different claimed id is refused with 403 on every kind of route", async () => {
    const app = mountAs("alice", engine);
    const [bobsMemory] = await engine.list({ userId: "bob" });
    const attempts = [
      app.request("/memories?userId=bob"),
      app.request("/memories/search", json({ userId: "bob", query: "sail" })),
      app.request(`/memories/${bobsMemory.id}?userId=bob`),
      app.request(`/memories/${bobsMemory.id}?userId=bob`, { method: "DELETE" }),
      app.request("/users/bob/export"),
      app.request("/users/bob/memories", { method: "DELETE" }),
      app.request("/store/items/search", json({ namespace_prefix: ["memories", "bob"] })),
      app.request(`/store/items?namespace=memories.bob&key=${bobsMemory.id}`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect((await read(res)).error).toBe("forbidden");
    }
    expect(await engine.list({ userId: "bob" })).toHaveLength(1);
  });

  it("with auth, store listings default to the caller's own namespace", async () => {
    const res = await mountAs("alice", engine).request("/store/namespaces", json({}));
    expect(await read(res)).toEqual({ namespaces: [["memories", "alice"]] });
    const search = await mountAs("alice", engine).request("/store/items/search", json({ namespace_prefix: [] }));
    expect((await read(search)).items.map((i: { key: string; namespace: string[] }) => i.namespace)).toEqual([
      ["memories", "alice"],
    ]);
  });
});
