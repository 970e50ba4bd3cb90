/**
 * The SQLite job queue's claims on a real file: oldest head of each user first, a user's later
 * jobs only after the earlier ones finished or died, leases that run out, jobs of dead processes
 * taken back, and a job whose process died three times given up on.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_LOST_RUNS, SqliteJobQueue } from "../../src/memory/queue/sqlite-queue.js";

const dirs: string[] = [];
const queues: SqliteJobQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function queueAt(now: () => number, path?: string) {
  if (!path) {
    const d = mkdtempSync(join(tmpdir(), "sqlite-queue-"));
    dirs.push(d);
    path = join(d, "queue.db");
  }
  const q = new SqliteJobQueue(path, now);
  queues.push(q);
  return { q, path };
}
const payload = (content: string) => ({ input: [{ role: "user" as const, content }], options: {} });

describe("SqliteJobQueue", () => {
  it("claims the oldest head of each user; a user's next job waits until the head is done or dead", async () => {
    let now = 1_000;
    const { q } = queueAt(() => now);
    const a1 = await q.enqueue("a", payload("a1"));
    const a2 = await q.enqueue("a", payload("a2"));
    const b1 = await q.enqueue("b", payload("b1"));
    expect((await q.claim("w", 1_000))?.id).toBe(a1.id);
    expect((await q.claim("w", 1_000))?.id).toBe(b1.id);
    // a2 waits for a1, which is running.
    expect(await q.claim("w", 1_000)).toBeUndefined();
    await q.retryLater(a1.id, "w", "down", new Date(now + 500));
    // Still waiting: a1 is queued again (in backoff), and it is the head.
    expect(await q.claim("w", 1_000)).toBeUndefined();
    expect(await q.nextDueAt()).toBe(now + 500);
    now += 500;
    expect((await q.claim("w", 1_000))?.id).toBe(a1.id);
    await q.bury(a1.id, "w", "400 bad request");
    // A dead head no longer holds the user's later jobs.
    expect(await q.claim("w", 1_000)).toMatchObject({ id: a2.id, attempts: 1, state: "running" });
    await q.complete(a2.id, "w", []);
    expect(await q.backlog()).toBe(1);
    expect((await q.list({ state: "dead" })).map((j) => [j.id, j.attempts, j.lastError])).toEqual([[a1.id, 2, "400 bad request"]]);
    // Only the owner finishes a job.
    await q.complete(b1.id, "someone-else", []);
    expect((await q.get(b1.id))?.state).toBe("running");
  });

  it("the same id is queued once; retry resets a dead job; drop never removes a running one", async () => {
    const { q } = queueAt(Date.now);
    const first = await q.enqueue("a", payload("x"), "fixed-id");
    await q.enqueue("a", payload("y"), "fixed-id");
    expect((await q.list()).map((j) => [j.id, j.payload.input[0].content])).toEqual([["fixed-id", "x"]]);
    await q.claim("w", 1_000);
    expect(await q.drop(first.id)).toBe(false);
    await q.bury(first.id, "w", "dead");
    expect(await q.retry({ userId: "other" })).toEqual([]);
    expect(await q.retry({ userId: "a" })).toEqual(["fixed-id"]);
    expect(await q.get("fixed-id")).toMatchObject({ state: "queued", attempts: 0 });
    expect(await q.drop("fixed-id", "other")).toBe(false);
    expect(await q.drop("fixed-id", "a")).toBe(true);
    expect(await q.forgetUser("a")).toBe(0);
  });

  it("a lease that runs out gives the job to the next claim; after three lost runs the job is dead", async () => {
    let now = 1_000;
    const { q } = queueAt(() => now);
    const job = await q.enqueue("a", payload("x"));
    for (let run = 1; run < MAX_LOST_RUNS; run++) {
      expect((await q.claim(`w${run}`, 100))?.id).toBe(job.id);
      expect(await q.renew(job.id, `w${run}`, 100)).toBe(true);
      now += 101;
    }
    // The third run's lease runs out too: given up on instead of claimed a fourth time.
    expect((await q.claim("w3", 100))?.id).toBe(job.id);
    now += 101;
    expect(await q.claim("w4", 100)).toBeUndefined();
    expect(await q.get(job.id)).toMatchObject({ state: "dead", lastError: expect.stringMatching(/died or stalled on 3 tries/) });
    // The last owner has lost it.
    expect(await q.renew(job.id, "w3", 100)).toBe(false);
  });
});
