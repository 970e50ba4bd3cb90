/** The job queue contract (test/memory/queue-contract.ts) on a real SQLite file per test. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { jobQueueContract } from "./queue-contract.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

jobQueueContract("SqliteJobQueue", async (now) => {
  const d = mkdtempSync(join(tmpdir(), "sqlite-queue-"));
  dirs.push(d);
  return new SqliteJobQueue(join(d, "queue.db"), now);
});
