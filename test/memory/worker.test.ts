/**
 * The memory update worker on a real SQLite queue file: jobs durable at once, stored in order per
 * user, users side by side, every failure classified once (transient: retried with backoff;
 * permanent: dead, never holding up later jobs), dead jobs retried on demand, a job of a dead
 * process taken over, each fact stored exactly once. (The graph in background mode:
 * test/graph/background.test.ts; the queue's own claims: test/memory/sqlite-queue.test.ts.)
 */
import { DimensionMismatchError } from "../../src/memory/store.js";
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger, type Logger } from "../../src/logger.js";
import { TenantViolationError } from "../../src/memory/filter.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker, type MemoryWorkerOptions } from "../../src/memory/queue/worker.js";
import { MALFORMED_OUTPUT_ATTEMPTS } from "../../src/memory/queue/retry-policy.js";
import { InvalidInputError } from "../../src/memory/validation.js";
import { makeTestDeps } from "../graph/graph-harness.js";
import { rememberingScript } from "../helpers/scripted-model.js";

const dirs: string[] = [];
const open: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
const queuePath = () => {
  const d = mkdtempSync(join(tmpdir(), "worker-"));
  dirs.push(d);
  return join(d, "queue.db");
};
const newQueue = (path = queuePath()) => {
  const q = new SqliteJobQueue(path);
  open.push(q);
  return q;
};
const turn = (content: string) => [{ role: "user" as const, content }];
const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6333"), { code: "ECONNREFUSED" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean> | boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}

/** A test engine whose store can be switched off, and whose adds are watched (order, overlap). */
function engineWithSwitch() {
  const { engine, store } = makeTestDeps();
  let down = false;
  for (const method of ["put", "search", "getByHashes", "appendHistory"] as const) {
    const real = (store[method] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      if (down) throw refused();
      return real(...args);
    };
  }
  const started: string[] = [];
  const runningPerUser = new Map<string, number>();
  let running = 0;
  let maxRunning = 0;
  let maxPerUser = 0;
  const add = engine.add.bind(engine);
  engine.add = async (input, options, control) => {
    started.push(options.sourceId ?? "");
    maxRunning = Math.max(maxRunning, ++running);
    const mine = (runningPerUser.get(options.userId) ?? 0) + 1;
    runningPerUser.set(options.userId, mine);
    maxPerUser = Math.max(maxPerUser, mine);
    try {
      await sleep(5); // long enough for a second job to overlap if it could
      return await add(input, options, control);
    } finally {
      running--;
      runningPerUser.set(options.userId, runningPerUser.get(options.userId)! - 1);
    }
  };
  return {
    engine,
    store,
    started,
    maxRunning: () => maxRunning,
    maxPerUser: () => maxPerUser,
    setDown: (v: boolean) => (down = v),
  };
}

function worker(options: Partial<MemoryWorkerOptions> & Pick<MemoryWorkerOptions, "memory">) {
  const w = new MemoryWorker({
    queue: options.queue ?? newQueue(),
    logger: silentLogger,
    retryBaseMs: 20,
    retryMaxMs: 40,
    pollMs: 20,
    ...options,
  });
  open.push(w);
  return w;
}

const texts = async (engine: { list: (o: { userId: string }) => Promise<{ text: string }[]> }, userId = "u") =>
  (await engine.list({ userId })).map((m) => m.text).sort();

/** A logger that keeps what was logged at warn and error. */
function recordingLogger() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (msg, fields) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => lines.push({ level: "error", msg, fields }),
    child: () => logger,
  };
  return { logger, lines };
}

describe("MemoryWorker", () => {
  it("stores jobs in order after enqueue returns, and reports each job's changes", async () => {
    const { engine } = engineWithSwitch();
    const path = queuePath();
    const w = worker({ memory: async () => engine, queue: newQueue(path) });
    const first = await w.enqueue(turn("I like tea."), { userId: "u", sourceId: "m1", threadId: "t" });
    const second = await w.enqueue(turn("My dog is Rex."), { userId: "u", sourceId: "m2", threadId: "t" });
    // Durable before anything was stored: another connection sees both jobs.
    expect((await newQueue(path).list()).map((j) => j.id)).toEqual([first.jobId, second.jobId]);
    expect((await first.result).changes.map((c) => c.text)).toEqual(["I like tea."]);
    expect(await second.result).toMatchObject({
      status: "stored",
      changes: [{ operation: "ADD", text: "My dog is Rex." }],
    });
    await w.idle();
    expect(await w.backlog()).toBe(0);
    expect(w.lastResultForThread("t")?.changes[0].text).toBe("My dog is Rex.");
    expect((await w.result(first.jobId)).status).toBe("stored");
    // A process that never saw the job learns its outcome from the queue.
    const other = worker({ memory: async () => engine, queue: newQueue(path) });
    expect(await other.result(second.jobId)).toMatchObject({ status: "stored", changes: [{ text: "My dog is Rex." }] });
  });

  it("one job per user and message: a delivery retried at once, on another process, or after newer turns runs nothing again", async () => {
    const { engine, started } = engineWithSwitch();
    const path = queuePath();
    const here = worker({ memory: async () => engine, queue: newQueue(path) });
    const there = worker({ memory: async () => engine, queue: newQueue(path) });
    // Delivered twice at once, to two processes on one queue.
    const [a, b] = await Promise.all([
      here.enqueue(turn("I live in Lisbon."), { userId: "u", sourceId: "m1" }),
      there.enqueue(turn("I live in Lisbon."), { userId: "u", sourceId: "m1" }),
    ]);
    expect(b.jobId).toBe(a.jobId);
    there.start();
    const [first, second] = await Promise.all([a.result, b.result]);
    expect(first).toMatchObject({ status: "stored", changes: [{ operation: "ADD", text: "I live in Lisbon." }] });
    expect(second.status).toBe("stored");
    await here.enqueue(turn("My cat is Miso."), { userId: "u", sourceId: "m2" }).then((j) => j.result);
    // Delivered again long after, behind a newer turn: the stored outcome, and no second run.
    const late = await here.run(turn("I live in Lisbon."), { userId: "u", sourceId: "m1" });
    expect(late).toMatchObject({
      jobId: a.jobId,
      status: "stored",
      changes: [{ operation: "ADD", text: "I live in Lisbon." }],
    });
    expect(started).toEqual(["m1", "m2"]);
    expect((await newQueue(path).list()).map((j) => j.payload.options.sourceId)).toEqual(["m1", "m2"]);
    // The same message id of another user is another job; a turn without one always gets its own.
    const other = await here.enqueue(turn("I live in Lisbon."), { userId: "v", sourceId: "m1" });
    expect(other.jobId).not.toBe(a.jobId);
    const [x, y] = await Promise.all([
      here.enqueue(turn("I like jazz."), { userId: "u" }),
      here.enqueue(turn("I like jazz."), { userId: "u" }),
    ]);
    expect(x.jobId).not.toBe(y.jobId);
    await Promise.all([other.result, x.result, y.result]);
    expect(await texts(engine)).toEqual(["I like jazz.", "I live in Lisbon.", "My cat is Miso."]);
  });

  it("keeps jobs while the store is down (retrying) and stores every fact exactly once when it is back", async () => {
    const { engine, setDown } = engineWithSwitch();
    const w = worker({ memory: async () => engine });
    await (
      await w.enqueue(turn("I like tea."), { userId: "u", sourceId: "m1" })
    ).result;
    setDown(true);
    const during = await Promise.all(
      ["I live in Oslo.", "My sister is Ada.", "I play chess."].map((t, i) =>
        w.enqueue(turn(t), { userId: "u", sourceId: `d${i}` }),
      ),
    );
    expect(await during[0].result).toMatchObject({ status: "retrying", error: expect.stringMatching(/ECONNREFUSED/) });
    // The user's later jobs wait behind it, in order, and say so.
    expect(await during[1].result).toMatchObject({
      status: "queued",
      error: expect.stringMatching(/waiting behind an earlier update/),
    });
    // A few retries fail while it is down (waited for, not slept: a loaded machine is slow).
    await until(async () => ((await w.queue.list({ state: "queued", userId: "u" }))[0]?.attempts ?? 0) > 1);
    expect(await w.backlog()).toBe(3);
    setDown(false);
    await until(async () => (await w.backlog()) === 0);
    expect(await texts(engine)).toEqual(["I like tea.", "I live in Oslo.", "I play chess.", "My sister is Ada."]);
  });

  it("a job left running by a process that died is taken over at once by the next worker, and stored once", async () => {
    const path = queuePath();
    const { engine } = engineWithSwitch();
    const q = newQueue(path);
    const job = await q.enqueue("u", { input: turn("I was born in Lyon."), options: { sourceId: "m9" } });
    expect((await q.claim("dead-owner", 60_000))?.id).toBe(job.id);
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => gone.on("exit", r));
    const db = new Database(path);
    db.prepare("UPDATE memory_jobs SET owner_pid = ? WHERE id = ?").run(gone.pid, job.id);
    db.close();
    const started = Date.now();
    const next = worker({ memory: async () => engine, queue: newQueue(path) });
    next.start();
    expect((await next.result(job.id)).status).toBe("stored");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await texts(engine)).toEqual(["I was born in Lyon."]);
    expect((await next.queue.get(job.id))?.attempts).toBe(2);
  });

  it("refuses to queue a job engine.add would refuse", async () => {
    const { engine } = engineWithSwitch();
    const w = worker({ memory: async () => engine });
    await expect(w.enqueue(turn("I like tea."), { userId: "" })).rejects.toThrow(InvalidInputError);
    await expect(w.enqueue(turn("I like tea."), { userId: "u", time: "yesterday-ish" })).rejects.toThrow(/not a date/);
    await expect(w.enqueue(turn("I like tea."), { userId: "u", metadata: { userId: "v" } })).rejects.toThrow(
      TenantViolationError,
    );
    expect(await w.backlog()).toBe(0);
  });

  it("a permanent failure goes dead at once, is logged once, and holds up no later job of any user", async () => {
    const { engine, store } = engineWithSwitch();
    const put = store.put.bind(store);
    // As a store set up for another embedding size answers every try.
    store.put = async (records, vectors) => {
      if (records.some((r) => r.text === "I collect stamps."))
        throw new DimensionMismatchError("Embedding of memory x has 12 dimensions, the store was set up for 16");
      return put(records, vectors);
    };
    const { logger, lines } = recordingLogger();
    const w = worker({ memory: async () => engine, logger });
    const bad = await w.enqueue(turn("I collect stamps."), { userId: "u", sourceId: "bad" });
    const later = await Promise.all([
      w.enqueue(turn("I like pie."), { userId: "u", sourceId: "p" }),
      w.enqueue(turn("I like jam."), { userId: "v", sourceId: "j" }),
    ]);
    expect(await bad.result).toMatchObject({ status: "dead", attempts: 1, error: expect.stringMatching(/dimensions/) });
    for (const job of later) expect((await job.result).status).toBe("stored");
    expect(await texts(engine)).toEqual(["I like pie."]);
    expect(await texts(engine, "v")).toEqual(["I like jam."]);
    expect(await w.queue.list({ state: "dead" })).toMatchObject([{ id: bad.jobId, attempts: 1 }]);
    expect(lines.filter((l) => l.level !== "info").map((l) => l.msg)).toEqual([
      "memory update is dead: it will not be retried on its own",
    ]);
  });

  it("model output that stays malformed is tried a few times, then goes dead; retried once the model behaves, it is stored", async () => {
    let broken = true;
    const { engine } = makeTestDeps({
      script: (kind, messages) => (broken && kind === "extract" ? "no json here" : rememberingScript(kind, messages)),
    });
    const w = worker({ memory: async () => engine, retryBaseMs: 5, retryMaxMs: 10 });
    const job = await w.enqueue(turn("I keep bees."), { userId: "u", sourceId: "b" });
    expect((await job.result).status).toBe("retrying");
    await until(async () => (await w.queue.get(job.jobId))?.state === "dead");
    expect(await w.queue.get(job.jobId)).toMatchObject({
      attempts: MALFORMED_OUTPUT_ATTEMPTS,
      lastError: expect.stringMatching(/model output rejected/),
    });
    broken = false;
    expect(await w.retry({ id: job.jobId, userId: "u" })).toEqual([job.jobId]);
    await until(async () => (await w.queue.get(job.jobId))?.state === "done");
    expect(await texts(engine)).toEqual(["I keep bees."]);
  });

  it("a transient failure of one user's update never blocks another user; that user's own updates stay in order", async () => {
    const { engine, store, started } = engineWithSwitch();
    let failures = 3;
    const put = store.put.bind(store);
    store.put = async (records, vectors) => {
      if (records.some((r) => r.userId === "slow") && failures-- > 0)
        throw Object.assign(new Error("scripted 503"), { status: 503 });
      return put(records, vectors);
    };
    const w = worker({ memory: async () => engine, retryBaseMs: 50, retryMaxMs: 50 });
    const slow = await Promise.all(
      ["I swim.", "I run."].map((t, i) => w.enqueue(turn(t), { userId: "slow", sourceId: `s${i}` })),
    );
    const fast = await Promise.all(
      ["I sing.", "I paint.", "I cook."].map((t, i) => w.enqueue(turn(t), { userId: "fast", sourceId: `f${i}` })),
    );
    for (const job of fast) expect((await job.result).status).toBe("stored");
    // The other user's updates were all stored while the first one still waited for its retry.
    expect(await w.queue.get(slow[0].jobId)).toMatchObject({ state: "queued" });
    await until(async () => (await w.backlog()) === 0);
    expect(await texts(engine, "slow")).toEqual(["I run.", "I swim."]);
    // s0 was tried four times; s1 started only after its last try.
    expect(started.filter((s) => s === "s0")).toHaveLength(4);
    expect(started.indexOf("s1")).toBeGreaterThan(started.lastIndexOf("s0"));
  });

  it("logs a job that fails again and again once, and once more when it is stored", async () => {
    const { engine, setDown } = engineWithSwitch();
    const { logger, lines } = recordingLogger();
    const w = worker({ memory: async () => engine, logger, retryBaseMs: 5, retryMaxMs: 10 });
    setDown(true);
    const job = await w.enqueue(turn("I like tea."), { userId: "u" });
    await until(async () => ((await w.queue.get(job.jobId))?.attempts ?? 0) >= 5);
    setDown(false);
    await until(async () => (await w.queue.get(job.jobId))?.state === "done");
    expect(lines.map((l) => l.msg)).toEqual([
      "memory update failed; it will be retried",
      "memory update stored after retries",
    ]);
    // The logged reason carries no message text.
    expect(JSON.stringify(lines)).not.toContain("I like tea");
  });

  it("keeps looking at a queue that failed to answer (a database server down), and drains it once it answers", async () => {
    const { engine } = makeTestDeps();
    const queue = newQueue();
    await queue.enqueue("u", { input: turn("I keep bees."), options: { sourceId: "b1" } });
    let down = true;
    const claim = queue.claim.bind(queue);
    const nextDueAt = queue.nextDueAt.bind(queue);
    queue.claim = async (...args) => (down ? Promise.reject(refused()) : claim(...args));
    queue.nextDueAt = async () => (down ? Promise.reject(refused()) : nextDueAt());
    const { logger, lines } = recordingLogger();
    const w = worker({ memory: async () => engine, queue, logger, pollMs: 20 });
    w.start();
    await until(() => lines.some((l) => l.msg.includes("could not be read")));
    down = false;
    // Nothing else wakes the worker: no new update is queued.
    await until(async () => (await queue.backlog()) === 0);
    expect(await texts(engine)).toEqual(["I keep bees."]);
  });

  it("refuses new jobs once closed", async () => {
    const { engine } = engineWithSwitch();
    const w = worker({ memory: async () => engine });
    await w.close();
    await expect(w.enqueue(turn("I like tea."), { userId: "u" })).rejects.toThrow(/closed/);
  });
});

describe("MemoryWorker ordering, time limits and waiting", () => {
  it("runs one user's jobs strictly in order, never two at once, while users run side by side", async () => {
    const { engine, started, maxRunning, maxPerUser } = engineWithSwitch();
    const w = worker({ memory: async () => engine, concurrency: 4 });
    const jobs = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        w.enqueue(turn(`I own ${i + 1} books.`), { userId: `u${i % 3}`, sourceId: `s${i}`, threadId: `t${i % 2}` }),
      ),
    );
    await Promise.all(jobs.map((j) => j.result));
    for (const user of [0, 1, 2]) {
      const mine = jobs
        .map((_, i) => i)
        .filter((i) => i % 3 === user)
        .map((i) => `s${i}`);
      expect(started.filter((s) => mine.includes(s))).toEqual(mine);
    }
    expect(maxPerUser()).toBe(1);
    expect(maxRunning()).toBeGreaterThan(1);
  });

  it("stores a job queued right after the previous result settled (no lost wake-up)", async () => {
    const { engine } = engineWithSwitch();
    const w = worker({ memory: async () => engine, pollMs: 60_000 });
    await (
      await w.enqueue(turn("I like tea."), { userId: "u", sourceId: "a" })
    ).result;
    const next = await w.enqueue(turn("I like cake."), { userId: "u", sourceId: "b" });
    const outcome = await Promise.race([next.result, sleep(2000).then(() => "still waiting after 2 s")]);
    expect(outcome).toMatchObject({ status: "stored" });
  });

  it("idle() returns while the store is down; the jobs stay queued and their results say so", async () => {
    const { engine, setDown } = engineWithSwitch();
    setDown(true);
    const w = worker({ memory: async () => engine, retryBaseMs: 60_000, retryMaxMs: 60_000 });
    const a = await w.enqueue(turn("I like tea."), { userId: "u", sourceId: "a" });
    const b = await w.enqueue(turn("I like cake."), { userId: "u", sourceId: "b" });
    await w.idle();
    expect(await w.backlog()).toBe(2);
    expect(await a.result).toMatchObject({ status: "retrying", error: expect.stringMatching(/ECONNREFUSED/) });
    expect((await b.result).status).toBe("queued");
    // Retried on demand (as `memories queue retry --all` does), not only by the (here: one minute) backoff.
    setDown(false);
    await w.retry({ userId: "u" });
    await until(async () => (await w.backlog()) === 0);
    expect((await w.result(a.jobId)).status).toBe("stored");
    expect(await texts(engine)).toEqual(["I like cake.", "I like tea."]);
  });

  it("a job that could not be marked done is taken again when its lease runs out, and stored once", async () => {
    const { engine } = engineWithSwitch();
    const q = newQueue();
    const complete = q.complete.bind(q);
    let failures = 1;
    q.complete = async (...args) => {
      if (failures-- > 0)
        throw Object.assign(new Error("SQLITE_FULL: database or disk is full"), { code: "SQLITE_FULL" });
      return complete(...args);
    };
    const w = worker({ memory: async () => engine, queue: q, leaseMs: 100 });
    w.start();
    const job = await w.enqueue(turn("I like tea."), { userId: "u", sourceId: "e1" });
    expect((await job.result).status).toBe("stored");
    await until(async () => (await w.backlog()) === 0);
    expect((await q.get(job.jobId))?.attempts).toBe(2);
    expect(await texts(engine)).toEqual(["I like tea."]);
  });

  it("cancels a job that outlives its time limit, retries it, and the user's lock is free for it", async () => {
    const { engine, model } = makeTestDeps();
    const invoke = model.invoke.bind(model);
    let hangs = 1;
    model.invoke = (async (...args: Parameters<typeof model.invoke>) => {
      if (hangs-- > 0) return new Promise(() => undefined); // a hung local model that ignores the signal
      return invoke(...args);
    }) as typeof model.invoke;
    const w = worker({ memory: async () => engine, jobTimeoutMs: 150, retryBaseMs: 10, retryMaxMs: 10 });
    const job = await w.enqueue(turn("I like tea."), { userId: "u" });
    expect(await job.result).toMatchObject({
      status: "retrying",
      error: expect.stringMatching(/longer than 0 s|cancelled/),
    });
    await until(async () => (await w.queue.get(job.jobId))?.state === "done");
    expect(await texts(engine)).toEqual(["I like tea."]);
  });

  it("answers at once for a job it never saw", async () => {
    const { engine } = engineWithSwitch();
    const w = worker({ memory: async () => engine });
    expect(await w.result("no-such-job")).toMatchObject({
      status: "unknown",
      error: expect.stringMatching(/No memory update job no-such-job/),
    });
  });

  it("close() waits for the job in hand and leaves the rest queued for the next start", async () => {
    const path = queuePath();
    const { engine, started } = engineWithSwitch();
    const w = worker({ memory: async () => engine, queue: newQueue(path), concurrency: 1 });
    const jobs = await Promise.all(
      ["I like tea.", "I like cake.", "I like pie."].map((t, i) =>
        w.enqueue(turn(t), { userId: "u", sourceId: `c${i}` }),
      ),
    );
    await w.close();
    expect(started).toEqual(["c0"]);
    expect((await jobs[0].result).status).toBe("stored");
    expect((await newQueue(path).list({ state: "queued" })).map((j) => j.payload.options.sourceId)).toEqual([
      "c1",
      "c2",
    ]);
    const next = worker({ memory: async () => engine, queue: newQueue(path) });
    next.start();
    await until(async () => (await next.backlog()) === 0);
    expect(started).toEqual(["c0", "c1", "c2"]);
    expect(await texts(engine)).toEqual(["I like cake.", "I like pie.", "I like tea."]);
  });
});
