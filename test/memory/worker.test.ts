/**
 * The background memory worker: jobs durable at once, stored in order after the run, one at a
 * time, kept through an unreachable store and a crash, each fact stored exactly once. (The graph
 * in background mode: test/graph/background.test.ts.)
 */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { TenantViolationError } from "../../src/memory/filter.js";
import { FileOutbox } from "../../src/memory/outbox.js";
import { InvalidInputError } from "../../src/memory/validation.js";
import { MemoryWorker } from "../../src/memory/worker.js";
import { makeTestDeps } from "../graph/graph-harness.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const outboxPath = () => {
  const d = mkdtempSync(join(tmpdir(), "worker-"));
  dirs.push(d);
  return join(d, "outbox.jsonl");
};
const turn = (content: string) => [{ role: "user" as const, content }];
const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6333"), { code: "ECONNREFUSED" });

/** A test engine whose store can be switched off, as a stopped server would be. */
function engineWithSwitch() {
  const { engine, store } = makeTestDeps();
  let down = false;
  for (const method of ["put", "search", "getByHashes", "appendHistory", "addPending"] as const) {
    const real = (store[method] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      if (down) throw refused();
      return real(...args);
    };
  }
  // Which jobs ran, in order, and how many at once at most.
  const started: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const add = engine.add.bind(engine);
  engine.add = async (input, options) => {
    started.push(options.sourceId ?? "");
    maxRunning = Math.max(maxRunning, ++running);
    try {
      await new Promise((r) => setTimeout(r, 5)); // long enough for a second job to overlap if it could
      return await add(input, options);
    } finally {
      running--;
    }
  };
  return { engine, store, started, maxRunning: () => maxRunning, setDown: (v: boolean) => (down = v) };
}

const texts = async (engine: { list: (o: { userId: string }) => Promise<{ text: string }[]> }, userId = "u") =>
  (await engine.list({ userId })).map((m) => m.text).sort();

describe("MemoryWorker", () => {
  it("stores jobs in order after enqueue returns, and reports each job's changes", async () => {
    const { engine } = engineWithSwitch();
    const outbox = new FileOutbox(outboxPath());
    const worker = new MemoryWorker({ memory: async () => engine, outbox, logger: silentLogger });
    const first = worker.enqueue(turn("I like tea."), { userId: "u", sourceId: "m1", threadId: "t" });
    const second = worker.enqueue(turn("My dog is Rex."), { userId: "u", sourceId: "m2", threadId: "t" });
    // Durable before anything was stored: both jobs are on disk.
    expect(new FileOutbox(outbox.path).size).toBeGreaterThanOrEqual(1);
    expect((await first.result).changes.map((c) => c.text)).toEqual(["I like tea."]);
    expect(await second.result).toMatchObject({ status: "stored", changes: [{ operation: "ADD", text: "My dog is Rex." }] });
    await worker.idle();
    expect(worker.backlog).toBe(0);
    expect(worker.lastResultForThread("t")?.changes[0].text).toBe("My dog is Rex.");
    // Asked after it finished, a job's result is still known.
    expect((await worker.result(first.jobId)).status).toBe("stored");
  });

  it("keeps jobs while the store is down and stores every fact exactly once when it is back", async () => {
    const { engine, setDown } = engineWithSwitch();
    const outbox = new FileOutbox(outboxPath());
    const worker = new MemoryWorker({ memory: async () => engine, outbox, logger: silentLogger, retryBaseMs: 20, retryMaxMs: 40 });
    worker.enqueue(turn("I like tea."), { userId: "u", sourceId: "m1" });
    await worker.idle();
    setDown(true);
    const during = ["I live in Oslo.", "My sister is Ada.", "I play chess."].map((t, i) => worker.enqueue(turn(t), { userId: "u", sourceId: `d${i}` }));
    expect((await during[0].result).status).toBe("queued");
    await new Promise((r) => setTimeout(r, 100)); // a few retries fail while it is down
    expect(worker.backlog).toBe(3);
    setDown(false);
    for (let i = 0; i < 50 && worker.backlog > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await worker.idle();
    expect(worker.backlog).toBe(0);
    expect(await texts(engine)).toEqual(["I like tea.", "I live in Oslo.", "I play chess.", "My sister is Ada."]);
    await worker.close();
  });

  it("a job left on disk by a process that died is stored once by the next worker", async () => {
    const path = outboxPath();
    const { engine, setDown } = engineWithSwitch();
    setDown(true);
    const dead = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(path), logger: silentLogger, retryBaseMs: 60_000 });
    dead.enqueue(turn("I was born in Lyon."), { userId: "u", sourceId: "m9" });
    await dead.idle();
    await dead.close();
    setDown(false);
    const next = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(path), logger: silentLogger });
    next.start();
    await next.idle();
    expect(await texts(engine)).toEqual(["I was born in Lyon."]);
    // Started again on the same (now empty) file: nothing is stored twice.
    next.start();
    await next.idle();
    expect(await texts(engine)).toEqual(["I was born in Lyon."]);
  });

  it("refuses to queue a job engine.add would refuse", async () => {
    const { engine } = engineWithSwitch();
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(outboxPath()), logger: silentLogger });
    expect(() => worker.enqueue(turn("I like tea."), { userId: "" })).toThrow(InvalidInputError);
    expect(() => worker.enqueue(turn("I like tea."), { userId: "u", time: "yesterday-ish" })).toThrow(/not a date/);
    expect(() => worker.enqueue(turn("I like tea."), { userId: "u", metadata: { userId: "v" } })).toThrow(TenantViolationError);
    expect(worker.backlog).toBe(0);
  });

  it("drops a queued job whose input is invalid (it would fail forever) and goes on with the next", async () => {
    const { engine } = engineWithSwitch();
    const outbox = new FileOutbox(outboxPath());
    // Queued by an older version, or edited by hand (append refuses them): met only when draining.
    const raw = (id: string, options: object) => JSON.stringify({ id, input: turn("I like tea."), options, error: "scheduled", queuedAt: new Date().toISOString(), attempts: 0 }) + "\n";
    appendFileSync(outbox.path, raw("bad-1", { userId: "" }) + raw("bad-2", { userId: "u", metadata: { userId: "v" } }));
    const bad = { id: "bad-1" };
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (msg: string) => logged.push(msg), child: () => logger };
    const worker = new MemoryWorker({ memory: async () => engine, outbox, logger });
    const waiting = worker.result(bad.id);
    const good = worker.enqueue(turn("I like pie."), { userId: "u" });
    expect(await waiting).toMatchObject({ status: "failed", error: expect.stringMatching(/userId/) });
    expect((await good.result).status).toBe("stored");
    expect(worker.backlog).toBe(0);
    expect(logged).toEqual(["memory update dropped: its input is invalid", "memory update dropped: its input is invalid"]);
    expect(await texts(engine)).toEqual(["I like pie."]);
  });

  it("refuses new jobs once closed", async () => {
    const { engine } = engineWithSwitch();
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(outboxPath()), logger: silentLogger });
    await worker.close();
    expect(() => worker.enqueue(turn("I like tea."), { userId: "u" })).toThrow(/closed/);
  });
});

describe("MemoryWorker ordering and waiting", () => {
  it("runs jobs strictly in the order they were queued, never two at once", async () => {
    const { engine, started, maxRunning } = engineWithSwitch();
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(outboxPath()), logger: silentLogger });
    // Concurrent turns of two threads queue at the same moment.
    const jobs = Array.from({ length: 8 }, (_, i) => worker.enqueue(turn(`I own ${i + 1} books.`), { userId: "u", sourceId: `s${i}`, threadId: `t${i % 2}` }));
    await Promise.all(jobs.map((j) => j.result));
    expect(started).toEqual(jobs.map((_, i) => `s${i}`));
    expect(maxRunning()).toBe(1);
    expect(worker.lastResultForThread("t1")?.changes[0].text).toBe("I own 8 books.");
    expect(worker.lastResultForThread("t0")?.changes[0].text).toBe("I own 7 books.");
  });

  it("stores a job queued right after the previous result settled (no lost wake-up)", async () => {
    const { engine } = engineWithSwitch();
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(outboxPath()), logger: silentLogger });
    await worker.enqueue(turn("I like tea."), { userId: "u", sourceId: "a" }).result;
    // Queued in the same tick the first result arrived, while the drain is ending.
    const next = worker.enqueue(turn("I like cake."), { userId: "u", sourceId: "b" });
    const outcome = await Promise.race([next.result, new Promise((r) => setTimeout(() => r("still waiting after 2 s"), 2000))]);
    expect(outcome).toMatchObject({ status: "stored" });
    await worker.idle();
    expect(worker.backlog).toBe(0);
  });

  it("idle() returns while the store is down; the jobs stay queued and their results say so", async () => {
    const { engine, setDown } = engineWithSwitch();
    setDown(true);
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(outboxPath()), logger: silentLogger, retryBaseMs: 60_000 });
    const a = worker.enqueue(turn("I like tea."), { userId: "u", sourceId: "a" });
    const b = worker.enqueue(turn("I like cake."), { userId: "u", sourceId: "b" });
    await worker.idle();
    expect(worker.backlog).toBe(2);
    expect(await a.result).toMatchObject({ status: "queued", error: expect.stringMatching(/ECONNREFUSED/) });
    expect((await b.result).status).toBe("queued");
    // A queued job is retried on the next enqueue too, not only by the (here: one minute) timer.
    setDown(false);
    const c = worker.enqueue(turn("I like pie."), { userId: "u", sourceId: "c" });
    expect((await c.result).status).toBe("stored");
    await worker.idle();
    expect(worker.backlog).toBe(0);
    expect((await worker.result(a.jobId)).status).toBe("stored");
    expect(await texts(engine)).toEqual(["I like cake.", "I like pie.", "I like tea."]);
    await worker.close();
  });

  it("an outbox that cannot be changed is retried, never an unhandled rejection", async () => {
    const { engine } = engineWithSwitch();
    const outbox = new FileOutbox(outboxPath());
    const remove = outbox.remove.bind(outbox);
    let failures = 1;
    outbox.remove = (ids) => {
      if (failures-- > 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      return remove(ids);
    };
    const worker = new MemoryWorker({ memory: async () => engine, outbox, logger: silentLogger, retryBaseMs: 20 });
    const job = worker.enqueue(turn("I like tea."), { userId: "u", sourceId: "e1" });
    await worker.idle(); // resolves (does not reject) after the failed removal
    expect(worker.backlog).toBe(1);
    // The retry stores it again (idempotent: the same fact once) and removes it.
    expect((await job.result).status).toBe("stored");
    for (let i = 0; i < 50 && worker.backlog > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(worker.backlog).toBe(0);
    expect(await texts(engine)).toEqual(["I like tea."]);
  });

  it("answers at once for a job it never saw", async () => {
    const { engine } = engineWithSwitch();
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(outboxPath()), logger: silentLogger });
    expect(await worker.result("no-such-job")).toMatchObject({ status: "unknown", error: expect.stringMatching(/No memory update job no-such-job/) });
  });

  it("close() waits for the job in hand and leaves the rest on disk for the next start", async () => {
    const path = outboxPath();
    const { engine, started } = engineWithSwitch();
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(path), logger: silentLogger });
    const jobs = ["I like tea.", "I like cake.", "I like pie."].map((t, i) => worker.enqueue(turn(t), { userId: "u", sourceId: `c${i}` }));
    await worker.close();
    expect(started).toEqual(["c0"]);
    expect((await jobs[0].result).status).toBe("stored");
    expect(new FileOutbox(path).list().map((e) => e.options.sourceId)).toEqual(["c1", "c2"]);
    const next = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(path), logger: silentLogger });
    next.start();
    await next.idle();
    expect(started).toEqual(["c0", "c1", "c2"]);
    expect(await texts(engine)).toEqual(["I like cake.", "I like pie.", "I like tea."]);
  });
});
