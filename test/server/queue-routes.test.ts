/**
 * The /queue/jobs routes, in process on a real SQLite queue: a user lists, retries and drops only
 * their own memory update jobs (another user's job id answers 404, as an unknown one does), in
 * open mode and with an authenticated identity.
 */
import { Hono } from "hono";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { createApp } from "../../src/server/create-app.js";
import type { ServerEnv } from "../../src/server/env.js";
import { makeTestDeps } from "../graph/graph-harness.js";

let dir: string;
let queue: SqliteJobQueue;
let worker: MemoryWorker;
let app: ReturnType<typeof createApp>;
let rejecting = true;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "queue-routes-"));
  queue = new SqliteJobQueue(join(dir, "queue.db"));
  rejecting = true;
  const { engine } = makeTestDeps({
    script: (kind) => {
      if (rejecting && kind === "extract") throw Object.assign(new Error("401 invalid api key"), { status: 401 });
      return kind === "extract"
        ? JSON.stringify({ facts: [{ text: "I keep bees.", category: "preference", about: "user", eventTime: null }] })
        : JSON.stringify({ decisions: [] });
    },
  });
  worker = new MemoryWorker({ memory: async () => engine, queue, logger: silentLogger, pollMs: 20 });
  app = createApp({ memory: async () => engine, worker, logger: silentLogger, maxTextChars: 8000 });
});
afterEach(async () => {
  await worker.close();
  await queue.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (target: { request: Hono["request"] }, method: string, path: string, body?: unknown) => {
  const res = await target.request(path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
};
const turn = [{ role: "user" as const, content: "I keep bees." }];

describe("queue routes", () => {
  it("list, retry and drop a user's own dead jobs; another user's job id is not found", async () => {
    const alice = await worker.enqueue(turn, { userId: "alice" });
    const bob = await worker.enqueue(turn, { userId: "bob" });
    expect((await alice.result).status).toBe("dead");
    expect((await bob.result).status).toBe("dead");

    const list = await call(app, "GET", "/queue/jobs?userId=alice&state=dead");
    expect(list.status).toBe(200);
    expect(list.body.jobs.map((j: { id: string }) => j.id)).toEqual([alice.jobId]);
    expect(list.body.jobs[0]).toMatchObject({ state: "dead", attempts: 1, lastError: expect.stringMatching(/401/) });
    expect(JSON.stringify(list.body)).not.toContain("I keep bees");

    expect((await call(app, "GET", `/queue/jobs/${bob.jobId}?userId=alice`)).status).toBe(404);
    expect((await call(app, "POST", `/queue/jobs/${bob.jobId}/retry`, { userId: "alice" })).status).toBe(404);
    expect((await call(app, "DELETE", `/queue/jobs/${bob.jobId}?userId=alice`)).status).toBe(404);
    expect((await call(app, "GET", "/queue/jobs?userId=alice&state=bogus")).status).toBe(400);

    rejecting = false;
    const retried = await call(app, "POST", `/queue/jobs/${alice.jobId}/retry`, { userId: "alice" });
    expect(retried).toMatchObject({ status: 200, body: { retried: [alice.jobId] } });
    for (let i = 0; i < 100 && (await queue.get(alice.jobId))?.state !== "done"; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await call(app, "GET", `/queue/jobs/${alice.jobId}?userId=alice`)).body).toMatchObject({
      state: "done",
      changes: [{ text: "I keep bees." }],
    });
    // Retrying a done job is refused; bob's dead job was untouched by alice's calls.
    expect((await call(app, "POST", `/queue/jobs/${alice.jobId}/retry`, { userId: "alice" })).status).toBe(409);
    expect((await queue.get(bob.jobId))?.state).toBe("dead");

    expect(await call(app, "DELETE", `/queue/jobs/${bob.jobId}?userId=bob`)).toMatchObject({
      status: 200,
      body: { dropped: true },
    });
    expect(await queue.get(bob.jobId)).toBeUndefined();
  });

  it("with an authenticated identity: no user id needed, another user named is refused", async () => {
    const job = await worker.enqueue(turn, { userId: "carol" });
    await job.result;
    const authed = new Hono<ServerEnv>();
    authed.use(async (c, next) => {
      c.set("auth", {
        user: { identity: "carol", is_authenticated: true, permissions: [], display_name: "carol" },
      } as never);
      await next();
    });
    authed.route("/", app);
    expect((await call(authed, "GET", "/queue/jobs")).body.jobs.map((j: { id: string }) => j.id)).toEqual([job.jobId]);
    expect((await call(authed, "GET", "/queue/jobs?userId=dave")).status).toBe(403);
    expect((await call(authed, "POST", "/queue/jobs/retry", { userId: "dave" })).status).toBe(403);
    const all = await call(authed, "POST", "/queue/jobs/retry", {});
    expect(all).toMatchObject({ status: 200, body: { userId: "carol", retried: [job.jobId] } });
  });
});
