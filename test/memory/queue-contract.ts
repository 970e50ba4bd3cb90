/**
 * The job queue's contract, run against every backend (SQLite: test/memory/sqlite-queue.test.ts;
 * PostgreSQL: test/postgres/queue.test.ts): oldest head of each user first, a user's later jobs
 * only after the earlier ones finished or died, idempotent ids, leases that run out, and a job
 * whose worker was lost three times given up on.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MAX_LOST_RUNS } from "../../src/memory/queue/retry-policy.js";
import type { JobQueue } from "../../src/memory/queue/types.js";
import type { MemoryChange } from "../../src/memory/types.js";

/** Opens a new, empty queue whose clock is `now`; the contract closes it. */
export type OpenQueue = (now: () => number) => Promise<JobQueue>;

const payload = (content: string) => ({ input: [{ role: "user" as const, content }], options: {} });

export function jobQueueContract(name: string, openQueue: OpenQueue): void {
  describe(`${name}: the job queue contract`, () => {
    const queues: JobQueue[] = [];
    afterEach(async () => {
      for (const q of queues.splice(0)) await q.close();
    });
    const queueAt = async (now: () => number) => {
      const q = await openQueue(now);
      queues.push(q);
      return q;
    };

    it("claims the oldest head of each user; a user's next job waits until the head is done or dead", async () => {
      let now = 1_000;
      const q = await queueAt(() => now);
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
      expect(await q.backlog("a")).toBe(0);
      expect((await q.list({ state: "dead" })).map((j) => [j.id, j.attempts, j.lastError])).toEqual([
        [a1.id, 2, "400 bad request"],
      ]);
      // Only the owner finishes a job.
      await q.complete(b1.id, "someone-else", []);
      expect((await q.get(b1.id))?.state).toBe("running");
    });

    it("the same id is queued once; retry resets a dead job; drop never removes a running one", async () => {
      const q = await queueAt(Date.now);
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
      const q = await queueAt(() => now);
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
      expect(await q.get(job.id)).toMatchObject({
        state: "dead",
        lastError: expect.stringMatching(/died or stalled on 3 tries/),
      });
      // The last owner has lost it.
      expect(await q.renew(job.id, "w3", 100)).toBe(false);
    });

    it("keeps what a job changed, its payload byte for byte, and forgets a user's jobs, prunes old done ones", async () => {
      let now = 1_000;
      const q = await queueAt(() => now);
      const text = '我住在柏林 \u0000 "quoted" 😀';
      const job = await q.enqueue("a", {
        input: [{ role: "user", content: text }],
        options: { threadId: "t1", sourceId: "s1" },
      });
      await q.enqueue("b", payload("b1"));
      await q.claim("w", 1_000);
      const changes: MemoryChange[] = [
        { operation: "ADD", memoryId: "m1", text: "lives in Berlin", category: "profile" },
      ];
      await q.complete(job.id, "w", changes);
      expect(await q.get(job.id)).toMatchObject({
        state: "done",
        changes,
        payload: { input: [{ content: text }], options: { threadId: "t1", sourceId: "s1" } },
      });
      expect(await q.list({ userId: "a" })).toHaveLength(1);
      now += 10_000;
      expect(await q.prune(new Date(now - 5_000))).toBe(1);
      expect(await q.get(job.id)).toBeUndefined();
      expect(await q.forgetUser("b")).toBe(1);
      expect(await q.list()).toEqual([]);
    });

    it("nudge makes a user's waiting jobs due now; nextDueAt looks only at heads", async () => {
      let now = 1_000;
      const q = await queueAt(() => now);
      const a1 = await q.enqueue("a", payload("a1"));
      await q.enqueue("a", payload("a2"));
      await q.claim("w", 1_000);
      await q.retryLater(a1.id, "w", "down", new Date(now + 60_000));
      expect(await q.nextDueAt()).toBe(now + 60_000);
      await q.nudge("a");
      expect(await q.nextDueAt()).toBe(now);
      expect((await q.claim("w", 1_000))?.id).toBe(a1.id);
    });
  });
}
