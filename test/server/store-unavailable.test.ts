import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { createApp } from "../../src/server/create-app.js";
import { unreachableStoreCode } from "../../src/memory/store-unavailable.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";

describe("store unreachable → 503 with what to do", () => {
  const dir = mkdtempSync(join(tmpdir(), "memory-chat-503-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("recognises socket errors in the cause chain and SQLite lock codes, and nothing else", () => {
    const fetchFailed = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6333"), { code: "ECONNREFUSED" }),
    });
    expect(unreachableStoreCode(fetchFailed)).toBe("ECONNREFUSED");
    expect(unreachableStoreCode(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }))).toBe(
      "SQLITE_BUSY",
    );
    expect(unreachableStoreCode(Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR_WRITE" }))).toBe(
      "SQLITE_IOERR_WRITE",
    );
    expect(unreachableStoreCode(Object.assign(new Error("Service Unavailable"), { status: 503 }))).toBe("HTTP 503");
    expect(unreachableStoreCode(new Error("something else"))).toBeUndefined();
    expect(unreachableStoreCode(Object.assign(new Error("constraint"), { code: "SQLITE_CONSTRAINT" }))).toBeUndefined();
  });

  it("answers 503 with Retry-After when the SQLite store has gone away, and 500 without a stack otherwise", async () => {
    const store = new SqliteMemoryStore(join(dir, "memory.db"));
    const engine = new MemoryEngine({ store, embeddings: new SyntheticEmbeddings({ vectorSize: 16 }), dims: 16 });
    await engine.add([], { userId: "u", infer: false, facts: [{ text: "I keep bees." }] });
    const app = createApp({ memory: async () => engine, logger: silentLogger, maxTextChars: 8000 });
    expect((await app.request("/memories?userId=u")).status).toBe(200);

    await store.close();
    const down = await app.request("/memories/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "u", query: "bees" }),
    });
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    const body = (await down.json()) as { error: string; message: string };
    expect(body.error).toBe("store_unavailable");
    expect(body.message).toMatch(/unreachable.*retry/);

    const broken = createApp({
      memory: async () => Promise.reject(new Error("boom at /secret/path")),
      logger: silentLogger,
      maxTextChars: 8000,
    });
    const res = await broken.request("/memories?userId=u");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error).toBe("internal_error");
    expect(text).not.toMatch(/secret|at .*\.ts/);
  });
});
