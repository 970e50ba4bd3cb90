/**
 * The background memory worker: jobs durable at once, stored in order after the run, kept
 * through an unreachable store and a crash, each fact stored exactly once; and the graph in
 * background mode (the run ends before the memory update, the next turn shows what it did).
 */
import { HumanMessage } from "@langchain/core/messages";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runContext } from "../../src/graph/context.js";
import { silentLogger } from "../../src/logger.js";
import { FileOutbox } from "../../src/memory/outbox.js";
import { MemoryWorker } from "../../src/memory/worker.js";
import { compileTestGraph, makeTestDeps } from "../graph/graph-harness.js";

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
  return { engine, store, setDown: (v: boolean) => (down = v) };
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

  it("drops a job whose input is invalid and goes on with the next", async () => {
    const { engine } = engineWithSwitch();
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(outboxPath()), logger: silentLogger });
    const bad = worker.enqueue(turn("I like tea."), { userId: "" });
    const good = worker.enqueue(turn("I like cake."), { userId: "u" });
    expect(await bad.result).toMatchObject({ status: "failed", error: expect.stringMatching(/userId/) });
    expect((await good.result).status).toBe("stored");
    expect(worker.backlog).toBe(0);
  });

  it("refuses new jobs once closed", async () => {
    const { engine } = engineWithSwitch();
    const worker = new MemoryWorker({ memory: async () => engine, outbox: new FileOutbox(outboxPath()), logger: silentLogger });
    await worker.close();
    expect(() => worker.enqueue(turn("I like tea."), { userId: "u" })).toThrow(/closed/);
  });
});

describe("the graph with background memory updates", () => {
  it("ends the run before the memory update; the next turn shows what it stored", async () => {
    const { deps, engine } = makeTestDeps();
    const worker = new MemoryWorker({ memory: deps.memory, outbox: new FileOutbox(outboxPath()), logger: silentLogger });
    const graph = compileTestGraph({ ...deps, worker });
    const config = { configurable: { thread_id: "bg" }, context: runContext({ userId: "ana" }) };
    const first = await graph.invoke({ messages: [new HumanMessage("My favourite colour is green.")] }, config);
    expect(first.memoryUpdateStatus).toMatch(/^scheduled/);
    expect(first.memoryChanges).toEqual([]);
    expect(first.memoryJobId).toBeTruthy();
    const stored = await worker.result(first.memoryJobId!);
    expect(stored.changes.map((c) => c.text)).toEqual(["My favourite colour is green."]);
    expect(await texts(engine, "ana")).toEqual(["My favourite colour is green."]);
    const second = await graph.invoke({ messages: [new HumanMessage("What is my favourite colour?")] }, config);
    expect(second.previousMemoryUpdate).toMatchObject({ status: "stored", changes: [{ operation: "ADD", text: "My favourite colour is green." }] });
    expect(second.memories.map((m) => m.text)).toContain("My favourite colour is green.");
  });
});
