import { describe, expect, it } from "vitest";
import { MemorySaver } from "@langchain/langgraph";
import { buildGraph } from "../../src/graph/builder.js";
import { ChatSession } from "../../src/cli/chat-session.js";
import { InMemoryThreadRegistry } from "../../src/cli/thread-registry.js";
import { makeTestDeps } from "../graph/graph-harness.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/logger.js";
import { SqliteJobQueue } from "../../src/memory/queue/sqlite-queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";

function session(userId = "dana") {
  const { deps, engine } = makeTestDeps();
  const checkpointer = new MemorySaver();
  let out = "";
  const s = new ChatSession({
    graph: buildGraph(deps).compile({ checkpointer }),
    threads: new InMemoryThreadRegistry(),
    memory: async () => engine,
    userId,
    write: (t) => (out += t),
  });
  return { s, engine, read: () => { const o = out; out = ""; return o; } };
}

describe("terminal chat session", () => {
  it("with background memory updates, prints the answer first, then what was remembered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-bg-"));
    try {
      const { deps, engine } = makeTestDeps();
      const worker = new MemoryWorker({ memory: deps.memory, queue: new SqliteJobQueue(join(dir, "queue.db")), logger: silentLogger });
      let out = "";
      const waits: string[] = [];
      const s = new ChatSession({
        graph: buildGraph({ ...deps, worker }).compile({ checkpointer: new MemorySaver() }),
        threads: new InMemoryThreadRegistry(),
        memory: async () => engine,
        userId: "bo",
        write: (t) => (out += t),
        worker,
        waiting: (label) => {
          waits.push(`${label}: start (answer ${out.includes("assistant> ") ? "shown" : "not shown"})`);
          return () => waits.push(`${label}: end`);
        },
      });
      await s.handle("I keep three cats.");
      expect(waits).toEqual(["remembering: start (answer shown)", "remembering: end"]);
      expect(out.indexOf("assistant> ")).toBeLessThan(out.indexOf("memory: "));
      expect(out).toContain('memory: remembered "I keep three cats."');
      expect((await engine.list({ userId: "bo" })).map((m) => m.text)).toEqual(["I keep three cats."]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with background updates and the store down, says the update is retrying (with the reason) at once; later turns report their own changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-bg-down-"));
    try {
      const { deps, engine, store } = makeTestDeps();
      let down = false;
      const put = store.put.bind(store);
      store.put = async (...args: Parameters<typeof store.put>) => {
        if (down) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6333"), { code: "ECONNREFUSED" });
        return put(...args);
      };
      const worker = new MemoryWorker({ memory: deps.memory, queue: new SqliteJobQueue(join(dir, "queue.db")), logger: silentLogger, retryBaseMs: 60_000 });
      let out = "";
      const s = new ChatSession({
        graph: buildGraph({ ...deps, worker }).compile({ checkpointer: new MemorySaver() }),
        threads: new InMemoryThreadRegistry(),
        memory: async () => engine,
        userId: "cy",
        write: (t) => (out += t),
        worker,
      });
      down = true;
      const started = Date.now();
      await s.handle("I was born in Quito.");
      // Told at once, not after the (here: one minute) retry.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(out).toMatch(/memory: retrying: connect ECONNREFUSED 127\.0\.0\.1:6333 \(the update stays queued and is tried again\)/);
      expect(await worker.backlog()).toBe(1);
      out = "";
      // Still down: the next turn's update waits behind the first, and the line says why.
      await s.handle("I like mangoes.");
      expect(out).toMatch(/memory: queued: waiting behind an earlier update that is retrying: connect ECONNREFUSED/);
      await s.handle("/queue");
      expect(out.match(/ queued +tries/g)).toHaveLength(2);
      down = false;
      out = "";
      // The next turn's job first stores the queued one (in order), then its own; its line is its own.
      await s.handle("I work as a pilot.");
      expect(out).toContain('memory: remembered "I work as a pilot."');
      expect(out).not.toContain("Quito");
      out = "";
      await s.handle("I have two sons.");
      expect(out).toContain('memory: remembered "I have two sons."');
      expect(await worker.backlog()).toBe(0);
      expect((await engine.list({ userId: "cy" })).map((m) => m.text).sort()).toEqual(["I have two sons.", "I like mangoes.", "I was born in Quito.", "I work as a pilot."]);
      out = "";
      await s.handle("/queue");
      expect(out).toContain("no memory updates waiting");
      await worker.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("streams the answer and says what was used and remembered", async () => {
    const { s, read } = session();
    await s.handle("I grow tomatoes on my balcony.");
    const first = read();
    expect(first).toMatch(/^assistant> /);
    expect(first).toContain('memory: remembered "I grow tomatoes on my balcony."');
    await s.handle("What do I grow on the balcony?");
    const second = read();
    expect(second).toContain('used: "I grow tomatoes on my balcony."');
    expect(second).toContain("From memory:");
  });

  it("lists, searches, shows history, forgets one memory and forgets the user", async () => {
    const { s, read, engine } = session();
    await s.handle("I speak Portuguese. 我喜欢爬山。");
    read();
    await s.handle("/memories");
    const list = read();
    expect(list).toContain("I speak Portuguese.");
    expect(list).toContain("我喜欢爬山。");
    await s.handle("/search 爬山");
    expect(read()).toContain("我喜欢爬山。");
    const [memory] = await engine.list({ userId: "dana" });
    await s.handle(`/history ${memory.id}`);
    expect(read()).toMatch(/ADD\s+"/);
    await s.handle(`/forget ${memory.id}`);
    expect(read()).toContain(`forgot ${memory.id}`);
    await s.handle(`/forget ${memory.id}`);
    expect(read()).toMatch(/error: No memory with id/);
    await s.handle("/forget-me");
    expect(read()).toMatch(/erased 1 memories and 3 history entries/);
    expect(await engine.list({ userId: "dana" })).toEqual([]);
  });

  it("starts new threads and lists them", async () => {
    const { s, read } = session();
    await s.handle("hello");
    const first = s.threadId;
    await s.handle("/new");
    expect(read()).toContain("new thread");
    expect(s.threadId).not.toBe(first);
    await s.handle("hello again");
    read();
    await s.handle("/threads");
    const threads = read();
    expect(threads).toContain(first);
    expect(threads).toContain(`* ${s.threadId}`);
  });

  it("answers /help, rejects unknown commands and leaves on /quit", async () => {
    const { s, read } = session();
    expect(await s.handle("/help")).toBe(true);
    expect(read()).toContain("/forget-me");
    await s.handle("/nope");
    expect(read()).toContain("unknown command /nope");
    await s.handle("/search");
    expect(read()).toContain("usage: /search <text>");
    expect(await s.handle("/quit")).toBe(false);
  });

  it("reports a bad message without crashing", async () => {
    const { s, read } = session();
    await s.handle("bad \u0007 bell");
    expect(read()).toMatch(/error: .*control characters/);
  });
});
