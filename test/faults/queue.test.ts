/**
 * The durable memory update queue under faults, on real SQLite files and real processes: two
 * processes draining one DATA_DIR together, a memory store locked by another process mid-
 * conversation (inline and background), the same update queued twice.
 */
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildGraph } from "../../src/graph/builder.js";
import { runContext } from "../../src/graph/context.js";
import { silentLogger } from "../../src/logger.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { makeTestDeps } from "../graph/graph-harness.js";
import { recordFigure } from "./figures.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "queue-faults-"));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function drainer(dataDir: string, prefix: string, count: number) {
  const proc = spawn(
    join(process.cwd(), "node_modules/.bin/tsx"),
    ["test/faults/queue-drainer.ts", dataDir, prefix, String(count)],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  proc.stderr!.on("data", (d) => (err += d));
  const said = (key: string) =>
    new Promise<void>((resolve, reject) => {
      proc.stdout!.on("data", (d) => {
        out += d;
        if (out.includes(`"${key}"`)) resolve();
      });
      proc.on("exit", (code) => reject(new Error(`drainer exited (${code}) before "${key}":\n${err}`)));
    });
  return { proc, ready: said("ready"), done: said("done") };
}

describe("two processes on one DATA_DIR draining one queue together", () => {
  it("every update is stored exactly once, whichever process runs it", async () => {
    const dataDir = tempDir();
    const COUNT = 30;
    const a = drainer(dataDir, "a", COUNT);
    const b = drainer(dataDir, "b", COUNT);
    try {
      await Promise.all([a.ready, b.ready]);
      a.proc.stdin!.write("go\n");
      b.proc.stdin!.write("go\n");
      await Promise.all([a.done, b.done]);
    } finally {
      a.proc.kill("SIGKILL");
      b.proc.kill("SIGKILL");
    }
    const store = new SqliteMemoryStore(join(dataDir, "memory.db"));
    const stored = [...(await store.list("shared-0")), ...(await store.list("shared-1"))].map((m) => m.text);
    await store.close();
    const expected = ["a", "b"].flatMap((p) => Array.from({ length: COUNT }, (_, i) => `I own ${p}${i} books.`));
    const lost = expected.filter((t) => !stored.includes(t)).length;
    const duplicates = stored.length - new Set(stored).size;
    const queue = new SqliteJobQueue(join(dataDir, "queue.db"));
    const jobs = await queue.list({ limit: 10_000 });
    await queue.close();
    recordFigure({
      group: "queue",
      name: "updates queued by two processes draining one DATA_DIR",
      value: expected.length,
    });
    recordFigure({ group: "queue", name: "updates lost, two processes draining together", value: lost, goal: 0 });
    recordFigure({ group: "queue", name: "duplicates, two processes draining together", value: duplicates, goal: 0 });
    expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
    expect(jobs.filter((j) => j.state !== "done")).toEqual([]);
    // Each job ran once: no two claims of one job.
    expect(jobs.every((j) => j.attempts === 1)).toBe(true);
  }, 120_000);
});

/** A second process that holds the SQLite file's write lock until told to let go. */
function lockDatabase(file: string) {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const D=require("better-sqlite3");const db=new D(${JSON.stringify(file)});db.exec("BEGIN EXCLUSIVE");console.log("locked");process.stdin.once("data",()=>{db.exec("COMMIT");db.close();console.log("released")});`,
    ],
    { cwd: process.cwd(), stdio: ["pipe", "pipe", "inherit"] },
  );
  const said = (word: string) =>
    new Promise<void>((r) => child.stdout!.on("data", (d) => String(d).includes(word) && r()));
  return {
    locked: said("locked"),
    release: async () => {
      const done = said("released");
      child.stdin!.write("go\n");
      await done;
    },
  };
}

describe("a turn while the memory store is locked by another process", () => {
  for (const mode of ["inline", "background"] as const) {
    it(`${mode}: still answers, keeps the update queued, and stores every fact exactly once when the store is back`, async () => {
      const dir = tempDir();
      const file = join(dir, "memory.db");
      const store = new SqliteMemoryStore(file);
      const { deps } = makeTestDeps({ store });
      const worker = new MemoryWorker({
        memory: deps.memory,
        queue: new SqliteJobQueue(join(dir, "queue.db")),
        logger: silentLogger,
        retryBaseMs: 50,
        retryMaxMs: 200,
      });
      const graph = buildGraph({ ...deps, worker, memoryUpdateMode: mode }).compile({
        checkpointer: new MemorySaver(),
      });
      const config = { configurable: { thread_id: "t" }, context: runContext({ userId: "olga" }) };
      const first = await graph.invoke({ messages: [new HumanMessage("I was born in Kyiv.")] }, config);
      await worker.result(first.memoryJobId!);

      const lock = lockDatabase(file);
      await lock.locked;
      const outage = ["I play the bandura.", "My daughter is Vera."];
      const statuses = [];
      for (const text of outage) {
        const during = await graph.invoke({ messages: [new HumanMessage(text)] }, config);
        expect(during.messages.at(-1)!.content).toBeTruthy();
        statuses.push(
          mode === "inline" ? during.memoryUpdateStatus : (await worker.result(during.memoryJobId!)).status,
        );
      }
      if (mode === "inline")
        expect(statuses).toEqual([
          expect.stringMatching(/^retrying: .*SQLITE_BUSY|^retrying: .*locked/i),
          expect.stringMatching(/^(queued|retrying): /),
        ]);
      else expect(statuses).toEqual(["retrying", expect.stringMatching(/^(queued|retrying)$/)]);
      expect(await worker.backlog()).toBe(2);
      await lock.release();
      for (let i = 0; i < 200 && (await worker.backlog()) > 0; i++) await sleep(25);
      const texts = (await store.list("olga")).map((m) => m.text).sort();
      recordOutage(mode, outage.length, texts, ["I play the bandura.", "I was born in Kyiv.", "My daughter is Vera."]);
      expect(texts).toEqual(["I play the bandura.", "I was born in Kyiv.", "My daughter is Vera."]);
      await worker.close();
      await store.close();
    }, 60_000);
  }

  it("the same update queued twice (a retried delivery of one message) stores nothing twice", async () => {
    const dir = tempDir();
    const { engine } = makeTestDeps();
    const worker = new MemoryWorker({
      memory: async () => engine,
      queue: new SqliteJobQueue(join(dir, "queue.db")),
      logger: silentLogger,
    });
    const turn = [{ role: "user" as const, content: "I keep bees." }];
    const jobs = await Promise.all([
      worker.enqueue(turn, { userId: "u", sourceId: "m1" }),
      worker.enqueue(turn, { userId: "u", sourceId: "m1" }),
    ]);
    for (const j of jobs) expect((await j.result).status).toBe("stored");
    expect((await engine.list({ userId: "u" })).map((m) => m.text)).toEqual(["I keep bees."]);
    await worker.close();
  });
});

/** Figures of an outage round: facts said while the store was locked, recovered, duplicated. */
function recordOutage(mode: string, duringOutage: number, stored: string[], expected: string[]) {
  const duplicates = stored.length - new Set(stored).size;
  const lost = expected.filter((t) => !stored.includes(t)).length;
  recordFigure({
    group: "outage",
    name: `facts said while the SQLite store was locked (${mode})`,
    value: duringOutage,
  });
  recordFigure({ group: "outage", name: `facts lost after the store came back (${mode})`, value: lost, goal: 0 });
  recordFigure({
    group: "outage",
    name: `duplicate facts after the queue drained (${mode})`,
    value: duplicates,
    goal: 0,
  });
}
