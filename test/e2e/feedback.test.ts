/**
 * Feedback and use end to end: a real `langgraph dev` process in token mode, a real SQLite file.
 * Feedback given over HTTP changes what the next search returns; another user's memory id is a
 * 404; a chat turn that gives memories to the answer counts their use.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./dev-server.js";

const alice = { id: "alice", token: randomBytes(16).toString("hex") };
const bob = { id: "bob", token: randomBytes(16).toString("hex") };
let server: DevServer;

async function call(token: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

const search = async (query: string, extra: object = {}) =>
  (await call(alice.token, "POST", "/memories/search", { query, limit: 10, ...extra })).body.results.map(
    (r: { memory: { id: string } }) => r.memory.id,
  ) as string[];

beforeAll(async () => {
  server = await startDevServer("test/e2e/langgraph.json", {
    AUTH_TOKENS: `${alice.id}:${alice.token},${bob.id}:${bob.token}`,
  });
});
afterAll(async () => server?.stop());

describe("feedback over HTTP", () => {
  it("down lowers a memory, up raises it, wrong removes it from search (includeHistory keeps it); another user gets 404", async () => {
    const added = await call(alice.token, "POST", "/memories", {
      infer: false,
      facts: [
        { text: "Alice plays the cello in an orchestra", sourceId: "s1" },
        { text: "Alice plays the cello in an orchestra", sourceId: "s2" },
      ],
    });
    expect(added.status).toBe(201);
    const before = await search("cello orchestra");
    expect(before).toHaveLength(2);

    const down = await call(alice.token, "POST", `/memories/${before[0]}/feedback`, { feedback: "down" });
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ id: before[0], weight: 0.8, validTo: null });
    expect(await search("cello orchestra")).toEqual([before[1], before[0]]);

    await call(alice.token, "POST", `/memories/${before[0]}/feedback`, { feedback: "up" });
    await call(alice.token, "POST", `/memories/${before[0]}/feedback`, { feedback: "up" });
    expect(await search("cello orchestra")).toEqual([before[0], before[1]]);

    const intruder = await call(bob.token, "POST", `/memories/${before[0]}/feedback`, { feedback: "wrong" });
    expect(intruder.status).toBe(404);
    expect(intruder.body.error).toBe("not_found");
    expect(
      (await call(alice.token, "POST", `/memories/${before[0]}/feedback`, { feedback: "wrong", userId: "bob" })).status,
    ).toBe(403);

    const wrong = await call(alice.token, "POST", `/memories/${before[0]}/feedback`, { feedback: "wrong" });
    expect(wrong.status).toBe(200);
    expect(wrong.body.validTo).not.toBeNull();
    expect(await search("cello orchestra")).toEqual([before[1]]);
    expect(await search("cello orchestra", { includeHistory: true })).toContain(before[0]);
    const history = await call(alice.token, "GET", `/memories/${before[0]}/history`);
    expect(history.body.history.map((h: { operation: string }) => h.operation)).toEqual([
      "ADD",
      "FEEDBACK_DOWN",
      "FEEDBACK_UP",
      "FEEDBACK_UP",
      "WRONG",
    ]);

    const bad = await call(alice.token, "POST", `/memories/${before[1]}/feedback`, { feedback: "meh" });
    expect(bad.status).toBe(400);
  });

  it("a chat turn that gives a memory to the answer counts its use", async () => {
    const [{ memoryId }] = (
      await call(alice.token, "POST", "/memories", { infer: false, facts: [{ text: "Alice keeps three beehives" }] })
    ).body.changes;
    const thread = (await call(alice.token, "POST", "/threads", {})).body.thread_id;
    const run = await call(alice.token, "POST", `/threads/${thread}/runs/wait`, {
      assistant_id: "memory_chat",
      input: { messages: [{ role: "user", content: "How many beehives do I keep?" }] },
    });
    expect(run.status).toBe(200);
    let memory = (await call(alice.token, "GET", `/memories/${memoryId}`)).body;
    // The use is written after the answer, off its path: give it a moment.
    for (let i = 0; i < 50 && memory.useCount === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      memory = (await call(alice.token, "GET", `/memories/${memoryId}`)).body;
    }
    expect(memory.useCount).toBe(1);
    expect(memory.lastUsedAt).not.toBeNull();
  });

  it("the route is in the OpenAPI document", async () => {
    const doc = (await call(alice.token, "GET", "/openapi.json")).body;
    expect(doc.paths["/memories/{id}/feedback"].post.operationId).toBe("memoryFeedback");
  });
});
