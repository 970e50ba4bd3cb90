/**
 * What a killed process leaves behind on PostgreSQL: nothing that blocks others. A child process
 * claims a job and takes a user's write lock, then is SIGKILLed: the server ends its sessions, so
 * the user's lock is free for another process within seconds and the job is claimed again at once,
 * long before its ten-minute lease would run out.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresUserLocks } from "../../src/stores/postgres/user-locks.js";
import { PostgresJobQueue } from "../../src/stores/postgres/queue.js";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.js";

const root = resolve(import.meta.dirname, "../..");
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const turn = (content: string) => ({ input: [{ role: "user" as const, content }], options: {} });

function startHolder(url: string, userId: string): Promise<{ pid: number; jobId: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "test/postgres/holder-child.ts"), url, userId], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  cleanups.push(async () => {
    child.kill("SIGKILL");
    await exited;
  });
  return new Promise((resolveStart, reject) => {
    child.once("exit", (code) => reject(new Error(`the holder exited (${code}) before it held the lock`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolveStart({ ...JSON.parse(line), exited }));
  });
}

describe.skipIf(!postgresAvailable("the SIGKILL test of the Postgres queue and lock"))(
  "a process killed while it holds a job and a user's lock (PostgreSQL)",
  () => {
    it("frees the user's advisory lock and gives the job back at once", async () => {
      const db = await freshDatabase();
      cleanups.push(db.drop);
      const queue = new PostgresJobQueue(db.url);
      const locks = new PostgresUserLocks(db.url, { waitMs: 300 });
      cleanups.push(
        () => queue.close(),
        () => locks.close(),
      );
      const job = await queue.enqueue("kim", turn("I keep bees."));
      const holder = await startHolder(db.url, "kim");
      expect(holder.jobId).toBe(job.id);

      // While it lives: the lock is its (another user's is not), and the job is not claimable.
      await expect(locks.run("kim", async () => "mine")).rejects.toThrow(
        /updated by another process .* try again later/,
      );
      expect(await locks.run("lee", async () => "lee's")).toBe("lee's");
      expect(await queue.claim("survivor", 60_000)).toBeUndefined();

      process.kill(holder.pid, "SIGKILL");
      await holder.exited;
      const killedAt = Date.now();
      let got: string | undefined;
      while (!got && Date.now() - killedAt < 10_000)
        got = await locks.run("kim", async () => "mine").catch(() => undefined);
      expect(got).toBe("mine");
      let taken = await queue.claim("survivor", 60_000);
      // A claiming queue looks for lost claims every few tens of milliseconds.
      while (!taken && Date.now() - killedAt < 10_000) taken = await queue.claim("survivor", 60_000);
      expect(taken).toMatchObject({ id: job.id, state: "running", attempts: 2 });
      console.log(
        `killed holder: lock free and job claimed again ${Date.now() - killedAt} ms after SIGKILL (lease was 600000 ms)`,
      );
    });

    it("holds one user's writers to one at a time across processes' sessions, even when they wait on each other", async () => {
      const db = await freshDatabase();
      cleanups.push(db.drop);
      // Two lock runners with pools of their own stand for two app servers.
      const servers = [new PostgresUserLocks(db.url), new PostgresUserLocks(db.url)];
      cleanups.push(...servers.map((s) => () => s.close()));
      let inside = 0;
      let most = 0;
      const work = (server: PostgresUserLocks) =>
        server.run("kim", async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 20));
          inside--;
        });
      await Promise.all(Array.from({ length: 12 }, (_, i) => work(servers[i % 2])));
      expect(most).toBe(1);
    });
  },
);
