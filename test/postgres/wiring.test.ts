/**
 * DATABASE_URL moves the update queue and the user lock to PostgreSQL for the whole product: the
 * runtime's worker drains the Postgres queue, and the `memories queue` command (another process)
 * lists and retries the jobs there, with no queue file left in DATA_DIR.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { PostgresJobQueue } from "../../src/stores/postgres/queue.js";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.js";

const root = resolve(import.meta.dirname, "../..");
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const turn = (content: string) => ({ input: [{ role: "user" as const, content }], options: {} });

function memoriesCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/memories.ts", ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: "error", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (err += d));
    proc.on("exit", (code) => done({ code, out, err }));
  });
}

describe.skipIf(!postgresAvailable("the DATABASE_URL wiring test"))(
  "DATABASE_URL: queue and locks in PostgreSQL",
  () => {
    it("the runtime and the memories command use the Postgres queue, not DATA_DIR/queue.db", async () => {
      const db = await freshDatabase();
      cleanups.push(db.drop);
      const dataDir = mkdtempSync(join(tmpdir(), "pg-wiring-"));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const env = { DATABASE_URL: db.url, DATA_DIR: dataDir };
      const runtime = createRuntime(loadSettings(env), { withoutChatModels: true });
      cleanups.push(() => runtime.close());
      expect(runtime.memoryWorker.queue).toBeInstanceOf(PostgresJobQueue);

      const queue = new PostgresJobQueue(db.url);
      cleanups.push(() => queue.close());
      const job = await queue.enqueue("qa", turn("I keep bees."));
      await queue.claim("gone", 60_000);
      await queue.bury(job.id, "gone", "400 the model does not exist");
      expect(await runtime.memoryWorker.queue.get(job.id)).toMatchObject({ state: "dead" });

      const listed = await memoriesCli(["queue", "--json"], env);
      expect(listed.code, listed.err).toBe(0);
      expect(JSON.parse(listed.out).jobs.map((j: { id: string; state: string }) => [j.id, j.state])).toEqual([
        [job.id, "dead"],
      ]);
      const retried = await memoriesCli(["queue", "retry", "--all", "--json"], env);
      expect(retried.code, retried.err).toBe(0);
      expect(await queue.get(job.id)).toMatchObject({ state: "queued", attempts: 0 });
      expect(existsSync(join(dataDir, "queue.db"))).toBe(false);
    });
  },
);
