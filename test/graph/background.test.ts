/**
 * The graph with MEMORY_UPDATE_MODE=background: updateMemory queues the turn and the run ends
 * before the memory update; the next turn of the thread shows what it did.
 */
import { HumanMessage } from "@langchain/core/messages";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runContext } from "../../src/graph/context.js";
import { silentLogger } from "../../src/logger.js";
import type { MemoryEngine } from "../../src/memory/engine.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { compileTestGraph, makeTestDeps } from "./graph-harness.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function queue() {
  const d = mkdtempSync(join(tmpdir(), "graph-bg-"));
  dirs.push(d);
  return new SqliteJobQueue(join(d, "queue.db"));
}
const texts = async (engine: MemoryEngine, userId: string) => (await engine.list({ userId })).map((m) => m.text).sort();

describe("the graph with background memory updates", () => {
  it("ends the run before the memory update; the next turn shows what it stored", async () => {
    const { deps, engine } = makeTestDeps();
    const worker = new MemoryWorker({ memory: deps.memory, queue: queue(), logger: silentLogger });
    const graph = compileTestGraph({ ...deps, worker });
    const config = { configurable: { thread_id: "bg" }, context: runContext({ userId: "ana" }) };
    const first = await graph.invoke({ messages: [new HumanMessage("My favourite colour is green.")] }, config);
    expect(first.memoryUpdateStatus).toMatch(/^scheduled/);
    expect(first.memoryChanges).toEqual([]);
    expect(first.memoryJobId).toBeTruthy();
    expect(first.previousMemoryUpdate).toBeNull();
    const stored = await worker.result(first.memoryJobId!);
    expect(stored.changes.map((c: { text: string }) => c.text)).toEqual(["My favourite colour is green."]);
    expect(await texts(engine, "ana")).toEqual(["My favourite colour is green."]);
    const second = await graph.invoke({ messages: [new HumanMessage("What is my favourite colour?")] }, config);
    expect(second.previousMemoryUpdate).toMatchObject({
      jobId: first.memoryJobId,
      status: "stored",
      changes: [{ operation: "ADD", text: "My favourite colour is green." }],
    });
    expect(second.memories.map((m) => m.text)).toContain("My favourite colour is green.");
    // Another thread has no previous update of its own.
    const other = await graph.invoke(
      { messages: [new HumanMessage("Hello")] },
      { ...config, configurable: { thread_id: "bg-2" } },
    );
    expect(other.previousMemoryUpdate).toBeNull();
  });

  it("the run does not wait for a slow extraction", async () => {
    const { deps, engine } = makeTestDeps();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const add = engine.add.bind(engine);
    engine.add = async (input, options, control) => {
      await gate; // as if the model took seconds to extract
      return add(input, options, control);
    };
    const worker = new MemoryWorker({ memory: deps.memory, queue: queue(), logger: silentLogger });
    const graph = compileTestGraph({ ...deps, worker });
    const config = { configurable: { thread_id: "slow" }, context: runContext({ userId: "bo" }) };
    const done = await graph.invoke({ messages: [new HumanMessage("I live in Oslo.")] }, config);
    // The run is over and the memory update has not happened yet.
    expect(done.memoryUpdateStatus).toMatch(/^scheduled/);
    expect(await texts(engine, "bo")).toEqual([]);
    expect(await worker.backlog()).toBe(1);
    release();
    expect((await worker.result(done.memoryJobId!)).status).toBe("stored");
    expect(await texts(engine, "bo")).toEqual(["I live in Oslo."]);
  });

  it("a turn whose update cannot be queued still answers and says why", async () => {
    const { deps } = makeTestDeps();
    const worker = new MemoryWorker({ memory: deps.memory, queue: queue(), logger: silentLogger });
    await worker.close(); // e.g. a turn that arrives while the process shuts down
    const graph = compileTestGraph({ ...deps, worker });
    const done = await graph.invoke(
      { messages: [new HumanMessage("I play chess.")] },
      { configurable: { thread_id: "closed" }, context: runContext({ userId: "cy" }) },
    );
    expect(done.messages.at(-1)?.getType()).toBe("ai");
    expect(done.memoryUpdateStatus).toMatch(/^failed: The memory worker is closed/);
    expect(done.memoryJobId).toBeNull();
  });

  it("inline mode queues the update too and waits for it: the turn shows its own changes, the job is done in the queue", async () => {
    const { deps, engine } = makeTestDeps();
    const q = queue();
    const worker = new MemoryWorker({ memory: deps.memory, queue: q, logger: silentLogger });
    const graph = compileTestGraph({ ...deps, worker, memoryUpdateMode: "inline" });
    const done = await graph.invoke(
      { messages: [new HumanMessage("I live in Oslo.")] },
      { configurable: { thread_id: "in" }, context: runContext({ userId: "di" }) },
    );
    expect(done.memoryUpdateStatus).toBe("ok");
    expect(done.memoryChanges.map((c) => c.text)).toEqual(["I live in Oslo."]);
    expect(await q.get(done.memoryJobId!)).toMatchObject({ state: "done", attempts: 1 });
    expect(await texts(engine, "di")).toEqual(["I live in Oslo."]);
    await worker.close();
  });
});
