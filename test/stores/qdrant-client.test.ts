/** Retries and error messages of the Qdrant client wrapper (no server needed). */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { QdrantMemoryStore } from "../../src/stores/qdrant/memories.js";
import {
  isLoopback,
  createQdrantClient,
  isTransient,
  QdrantCaller,
  QdrantRequestError,
  QdrantUnavailableError,
} from "../../src/stores/qdrant/client.js";
import type { StoreUnavailableError } from "../../src/memory/store.js";

/** A local port nobody listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const refused = () =>
  Object.assign(new TypeError("fetch failed"), {
    cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
  });
const httpError = (status: number, error = "boom") =>
  Object.assign(new Error("Bad"), { status, data: { status: { error } } });
const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe("Qdrant client wrapper", () => {
  it("treats only this machine's addresses as loopback (fresh connection per request there)", () => {
    for (const url of ["http://127.0.0.1:6333", "http://localhost:6333", "http://[::1]:6333", "http://127.8.0.1"])
      expect(isLoopback(url)).toBe(true);
    for (const url of [
      "https://xyz.cloud.qdrant.io:6333",
      "http://10.0.0.5:6333",
      "http://qdrant:6333",
      "http://127.example.com",
    ])
      expect(isLoopback(url)).toBe(false);
  });

  it("a store pointed at a closed port says Qdrant did not answer and how to fall back", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const store = new QdrantMemoryStore({ url, collection: "memory_chat", retry: fast });
    const expected = `QDRANT_URL is set but Qdrant at ${url} did not answer: start it, or unset QDRANT_URL to use the embedded store`;
    const err = await store.init(8).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QdrantUnavailableError);
    expect((err as Error).message).toBe(expected);
    await expect(store.get("alice", "m1")).rejects.toThrow(expected);
  });

  it("building a store from settings sends no request (the graph module can load with Qdrant down)", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const store = QdrantMemoryStore.fromSettings({
      QDRANT_URL: url,
      QDRANT_COLLECTION: "c",
      QDRANT_API_KEY: undefined,
    });
    expect(store.collections).toEqual({ memories: "c", history: "c_history" });
    expect(() =>
      QdrantMemoryStore.fromSettings({ QDRANT_URL: undefined, QDRANT_COLLECTION: "c", QDRANT_API_KEY: undefined }),
    ).toThrow(/QDRANT_URL/);
  });

  it("classifies refused/reset connections, 5xx and 429 as transient; other 4xx as final", () => {
    expect(isTransient(refused())).toBe(true);
    expect(isTransient(Object.assign(new Error("x"), { cause: { code: "ECONNRESET" } }))).toBe(true);
    expect(isTransient(httpError(503))).toBe(true);
    expect(isTransient(httpError(429))).toBe(true);
    expect(isTransient(httpError(400))).toBe(false);
    expect(isTransient(httpError(404))).toBe(false);
    expect(isTransient(new Error("Unexpected Response: 502 (Bad Gateway)"))).toBe(true);
  });

  it("retries transient failures with backoff, then succeeds", async () => {
    const caller = new QdrantCaller(createQdrantClient({ url: "http://127.0.0.1:1" }), "http://127.0.0.1:1", fast);
    let calls = 0;
    const result = await caller.call("testing", async () => {
      calls++;
      if (calls < 3) throw calls === 1 ? refused() : httpError(503);
      return "ok";
    });
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after the last attempt, and never retries a rejected request", async () => {
    const caller = new QdrantCaller(createQdrantClient({ url: "http://127.0.0.1:1" }), "http://q:6333", fast);
    let calls = 0;
    await expect(caller.call("testing", async () => (calls++, Promise.reject(httpError(500))))).rejects.toThrow(
      QdrantRequestError,
    );
    expect(calls).toBe(3);
    calls = 0;
    const err = await caller
      .call("creating the index", async () => (calls++, Promise.reject(httpError(400, "Wrong input: bad field"))))
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect((err as Error).message).toBe(
      "Qdrant at http://q:6333: creating the index was rejected (HTTP 400): Wrong input: bad field",
    );
    expect((err as QdrantRequestError).status).toBe(400);
  });

  it("classifies its own failures: no answer or not serving (502-504) is store_unavailable, any other answer is not", async () => {
    const caller = () => new QdrantCaller(createQdrantClient({ url: "http://127.0.0.1:1" }), "http://q:6333", fast);
    const failure = (error: unknown, on = caller()) =>
      on.call("testing", () => Promise.reject(error)).catch((e: unknown) => e);

    const refusedTwice = new TypeError("fetch failed", {
      cause: new AggregateError([refused().cause, refused().cause], "connect failed"),
    });
    expect(await failure(refusedTwice)).toMatchObject({ name: "QdrantUnavailableError", reason: "ECONNREFUSED" });

    const behindProxy = caller();
    const notServing = await failure(httpError(503), behindProxy);
    expect(notServing).toBeInstanceOf(QdrantUnavailableError);
    expect(notServing).toMatchObject({ code: "store_unavailable", retryable: true, reason: "HTTP 503", status: 503 });
    expect((notServing as Error).message).toBe(
      "QDRANT_URL is set but Qdrant at http://q:6333 is not serving (HTTP 503): start it, or unset QDRANT_URL to use the embedded store",
    );
    expect((notServing as StoreUnavailableError).publicMessage).not.toContain("q:6333");

    // An answer, even "not serving", is not silence: the next call is sent, not failed fast.
    let calls = 0;
    await behindProxy.call("testing", async () => (calls++, "ok"));
    expect(calls).toBe(1);
    for (const status of [500, 429, 400])
      expect(await failure(httpError(status))).toMatchObject({ code: "store_request_failed", status });
  });
});
