/**
 * The user model's profile end to end: the real `langgraph dev` process (scripted model, real
 * SQLite store and queue in its DATA_DIR, background updates), driven over HTTP. A turn's update
 * queues the profile refresh; GET /profile shows it, the next run's state carries it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startDevServer, type DevServer } from "./dev-server.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer("test/e2e/langgraph.json", { MEMORY_UPDATE_MODE: "background" });
}, 180_000);
afterAll(async () => server?.stop());

async function turn(threadId: string, userId: string, content: string) {
  const res = await api(server.url, "POST", `/threads/${threadId}/runs/wait`, {
    assistant_id: "memory_chat",
    input: { messages: [{ role: "user", content }] },
    context: { userId },
  });
  expect(res.status).toBe(200);
  return res.body;
}

/** GET /profile until it is ready (the refresh runs after the run, in the server's worker). */
async function readyProfile(userId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api(server.url, "GET", `/profile?userId=${userId}`);
    expect(res.status).toBe(200);
    if (res.body.status === "ready" || Date.now() > deadline) return res.body;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("profile through the dev server", () => {
  it("a turn's memories reach the profile through the queue, and the next run's state carries it", async () => {
    const thread = (await api(server.url, "POST", "/threads", {})).body.thread_id;
    const empty = await api(server.url, "GET", "/profile?userId=rosa");
    expect(empty.body).toMatchObject({ userId: "rosa", status: "empty", source: null });

    await turn(thread, "rosa", "I live in Lisbon. I keep bees.");
    const profile = await readyProfile("rosa");
    expect(profile).toMatchObject({ status: "ready", source: "model", memoryCount: 2 });
    expect([...profile.summary.identity].sort()).toEqual(["I keep bees.", "I live in Lisbon."]);

    const jobs = await api(server.url, "GET", "/queue/jobs?userId=rosa");
    expect(jobs.body.jobs.map((j: { kind: string }) => j.kind)).toEqual(["memory update", "profile refresh"]);

    const next = await turn(thread, "rosa", "What about bees?");
    expect(next.profile).toMatchObject({ userId: "rosa", status: "ready" });
    expect(next.profile.summary.identity).toContain("I keep bees.");
    // Read before this turn's own update ran: the first turn's question is recorded.
    expect(next.profile.interests.questions).toBe(1);

    // Another user sees none of it.
    const other = await api(server.url, "GET", "/profile?userId=sam");
    expect(other.body).toMatchObject({ userId: "sam", status: "empty", summary: { identity: [] } });
  });

  it("is in the OpenAPI document", async () => {
    const doc = await api(server.url, "GET", "/openapi.json");
    expect(doc.body.paths["/profile"].get.operationId).toBe("getProfile");
  });
});
