import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { createApp } from "../../src/server/create-app.js";
import type { StoreUnavailableError } from "../../src/memory/store.js";
import { PostgresUnavailableError } from "../../src/stores/postgres/errors.js";
import { QdrantUnavailableError } from "../../src/stores/qdrant/client.js";
import { SqliteUnavailableError } from "../../src/stores/sqlite/errors.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";

describe("store unreachable → 503 with what to do", () => {
  const dir = mkdtempSync(join(tmpdir(), "memory-chat-503-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers every backend's StoreUnavailableError with 503, its setting and what to do, and no address", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.7:5432"), { code: "ECONNREFUSED" });
    const cases: [StoreUnavailableError, RegExp][] = [
      [new QdrantUnavailableError("http://10.0.0.7:6333", { code: "ECONNREFUSED" }), /\(ECONNREFUSED\).*QDRANT_URL/],
      [new SqliteUnavailableError("/srv/data/memory.db", "SQLITE_BUSY"), /\(SQLITE_BUSY\).*SQLite files in DATA_DIR/],
      [
        new PostgresUnavailableError("postgres://u:pw@10.0.0.7/db", "ECONNREFUSED", { cause: refused, fallback: "x" }),
        /DATABASE_URL/,
      ],
    ];
    for (const [error, words] of cases) {
      const app = createApp({ memory: async () => Promise.reject(error), logger: silentLogger, maxTextChars: 8000 });
      const res = await app.request("/memories?userId=u");
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe("store_unavailable");
      expect(body.message).toMatch(/unreachable.*retry/);
      expect(body.message).toMatch(words);
      expect(body.message).not.toMatch(/10\.0\.0\.7|\/srv|pw/);
    }
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
