/**
 * What a client gets back when something is refused or fails, over real HTTP against a real
 * `langgraph dev` process in token mode: the product's own errors (auth handler, memory routes)
 * are JSON `{"error", "message"}`; the LangGraph server's own answers are exactly what
 * docs/http-api.md ("Errors from the LangGraph routes") says, so that page stays true.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, streamRun, type DevServer } from "./dev-server.js";

const alice = { id: "alice", token: randomBytes(16).toString("hex") };
const bob = { id: "bob", token: randomBytes(16).toString("hex") };
let server: DevServer;
let bobsThread: string;

async function call(token: string | undefined, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    headers: res.headers,
    text: await res.text(),
  };
}

const turn = (content: string, extra: object = {}) => ({
  assistant_id: "memory_chat",
  input: { messages: [{ role: "user", content }] },
  ...extra,
});

beforeAll(async () => {
  server = await startDevServer("test/e2e/langgraph.json", {
    AUTH_TOKENS: `${alice.id}:${alice.token},${bob.id}:${bob.token}`,
  });
  bobsThread = JSON.parse((await call(bob.token, "POST", "/threads", {})).text).thread_id;
});
afterAll(async () => server?.stop());

function expectApiError(res: { status: number; type: string; text: string }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.type).toMatch(/^application\/json/);
  const body = JSON.parse(res.text);
  expect(Object.keys(body).sort()).toEqual(["error", "message"]);
  expect(body.error).toBe(code);
  expect(body.message.length).toBeGreaterThan(20);
}

describe("the product's errors are JSON", () => {
  it("401 without a token or with an unknown one, on memory routes and LangGraph routes alike", async () => {
    for (const [method, path] of [
      ["GET", "/memories"],
      ["POST", "/threads/search"],
      ["GET", "/openapi.json"],
    ]) {
      const none = await call(undefined, method, path, method === "POST" ? {} : undefined);
      expectApiError(none, 401, "unauthorized");
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expectApiError(
        await call("not-a-token-of-anyone", method, path, method === "POST" ? {} : undefined),
        401,
        "unauthorized",
      );
    }
  });

  it("403 for a memory route or a run that names another user", async () => {
    expectApiError(await call(alice.token, "GET", "/memories?userId=bob"), 403, "forbidden");
    const thread = JSON.parse((await call(alice.token, "POST", "/threads", {})).text).thread_id;
    expectApiError(
      await call(alice.token, "POST", `/threads/${thread}/runs/wait`, turn("hi", { context: { userId: "bob" } })),
      403,
      "forbidden",
    );
  });

  it("404 for a memory id the user does not have", async () => {
    expectApiError(await call(alice.token, "GET", "/memories/no-such-id"), 404, "not_found");
  });
});

describe("the LangGraph server's own answers, as documented", () => {
  it("another user's thread: 404 text/plain naming the thread on reads, an empty 404 on runs", async () => {
    for (const [method, path] of [
      ["GET", `/threads/${bobsThread}`],
      ["GET", `/threads/${bobsThread}/state`],
      ["POST", `/threads/${bobsThread}/history`],
    ]) {
      const res = await call(alice.token, method, path, method === "POST" ? {} : undefined);
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^text\/plain/);
      expect(res.text).toBe(`Thread with ID ${bobsThread} not found`);
    }
    for (const mode of ["wait", "stream"]) {
      const res = await call(alice.token, "POST", `/threads/${bobsThread}/runs/${mode}`, turn("hi"));
      expect(res.status).toBe(404);
      expect(res.text).toBe("");
    }
  });

  it("a run that fails: 200 from /runs/wait with the error JSON-encoded inside __error__.message; an error event on /runs/stream", async () => {
    const thread = JSON.parse((await call(alice.token, "POST", "/threads", {})).text).thread_id;
    const waited = await call(alice.token, "POST", `/threads/${thread}/runs/wait`, turn("   "));
    expect(waited.status).toBe(200);
    const wrapped = JSON.parse(waited.text).__error__;
    expect(wrapped.error).toBe("Error");
    expect(JSON.parse(wrapped.message)).toEqual({
      error: "TurnInputError",
      message: "The message is empty: type something to send.",
    });

    const headers = { authorization: `Bearer ${alice.token}` };
    const { events } = await streamRun(server, thread, turn("   "), headers);
    const error = events.find((e) => e.event === "error");
    expect(JSON.parse(error!.data!)).toEqual({
      error: "TurnInputError",
      message: "The message is empty: type something to send.",
    });
  });

  it("a request body the LangGraph route rejects: 400 with zod's issues", async () => {
    const thread = JSON.parse((await call(alice.token, "POST", "/threads", {})).text).thread_id;
    const res = await call(alice.token, "POST", `/threads/${thread}/runs/wait`, { input: {} });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text);
    expect(body.success).toBe(false);
    expect(body.error.name).toBe("ZodError");
    expect(body.error.issues[0].path).toEqual(["assistant_id"]);
  });
});
