import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { buildGraph } from "../../src/graph/builder.js";
import { runContext } from "../../src/graph/context.js";
import { FileOutbox } from "../../src/memory/outbox.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory.js";
import { makeTestDeps } from "../graph/graph-harness.js";
import { silentLogger } from "../../src/logger.js";
import { MemoryWorker } from "../../src/memory/worker.js";
import { recordFigure } from "./figures.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "outbox-"));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("file outbox", () => {
  it("a lock left by a killed process does not block the outbox", async () => {
    const path = join(tempDir(), "outbox.jsonl");
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => gone.on("exit", r));
    writeFileSync(`${path}.lock`, String(gone.pid));
    const outbox = new FileOutbox(path);
    const started = Date.now();
    const entry = outbox.append([{ role: "user", content: "I like tea." }], { userId: "u" }, "scheduled");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outbox.list().map((e) => e.id)).toEqual([entry.id]);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("two processes on one file: entries the other process appends while this one removes are never lost", async () => {
    const path = join(tempDir(), "outbox.jsonl");
    const outbox = new FileOutbox(path);
    const COUNT = 400;
    const child = spawn(join(process.cwd(), "node_modules/.bin/tsx"), ["test/memory/outbox-appender.ts", path, String(COUNT)], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on("exit", r));
    let running = true;
    void exited.then(() => (running = false));
    // This process stores and removes its own entries meanwhile: each removal rewrites the file.
    let rewrites = 0;
    while (running) {
      const mine = outbox.append([{ role: "user", content: "I like tea." }], { userId: "me" }, "scheduled");
      outbox.remove([mine.id]);
      rewrites++;
      // As a worker between jobs (which take far longer than this).
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await exited, output).toBe(0);
    const left = outbox.list();
    const lost = COUNT - left.filter((e) => e.options.userId === "other").length;
    console.log(`outbox: ${rewrites} rewrites here while another process appended ${COUNT} entries: ${lost} lost`);
    recordFigure({ group: "outbox", name: "entries lost when two processes share one outbox", value: lost, goal: 0 });
    expect(left.filter((e) => e.options.userId === "me")).toEqual([]);
    expect(left.map((e) => e.options.sourceId)).toEqual(Array.from({ length: COUNT }, (_, i) => `child-${i}`));
  });

  it("keeps entries across instances, replays them in order and drops a torn last line", async () => {
    const path = join(tempDir(), "outbox.jsonl");
    const outbox = new FileOutbox(path);
    outbox.append([{ role: "user", content: "I like tea." }], { userId: "u", sourceId: "m1" }, "down");
    outbox.append([{ role: "user", content: "I like cake." }], { userId: "u", sourceId: "m2" }, "down");
    appendFileSync(path, '{"id": "torn", "inp');
    const reopened = new FileOutbox(path);
    expect(reopened.list().map((e) => e.options.sourceId)).toEqual(["m1", "m2"]);

    const { engine } = makeTestDeps();
    const result = await reopened.replay(engine);
    expect(result).toEqual({ replayed: 2, remaining: 0 });
    expect((await engine.list({ userId: "u" })).map((m) => m.text).sort()).toEqual(["I like cake.", "I like tea."]);
    expect(new FileOutbox(path).size).toBe(0);
  });

  it("stops at the first entry that still fails and keeps it and the rest", async () => {
    const path = join(tempDir(), "outbox.jsonl");
    const outbox = new FileOutbox(path);
    outbox.append([{ role: "user", content: "I like tea." }], { userId: "u" }, "down");
    outbox.append([{ role: "user", content: "I like cake." }], { userId: "u" }, "down");
    const { engine, store } = makeTestDeps();
    store.put = async () => {
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    };
    expect(await outbox.replay(engine)).toEqual({ replayed: 0, remaining: 2 });
    expect(outbox.list()[0].attempts).toBe(1);
  });
});

describe("updates written ahead by an inline turn", () => {
  it("stay on disk while the turn stores them, hidden from this process's replays, and go when done", async () => {
    const path = join(tempDir(), "outbox.jsonl");
    const outbox = new FileOutbox(path);
    const queued = outbox.append([{ role: "user", content: "I like tea." }], { userId: "u", sourceId: "m1" }, "down");
    const ahead = outbox.writeAhead([{ role: "user", content: "I like cake." }], { userId: "u", sourceId: "m2" });
    // Another process (a fresh instance) sees both: after a kill the entry is replayed.
    expect(new FileOutbox(path).list().map((e) => e.id)).toEqual([queued.id, ahead.id]);
    expect(outbox.list().map((e) => e.id)).toEqual([queued.id]);
    // A replay here stores only the queued entry and keeps the one in flight in the file.
    const { engine } = makeTestDeps();
    expect(await outbox.replay(engine)).toEqual({ replayed: 1, remaining: 0 });
    expect((await engine.list({ userId: "u" })).map((m) => m.text)).toEqual(["I like tea."]);
    expect(new FileOutbox(path).list().map((e) => e.id)).toEqual([ahead.id]);
    outbox.done(ahead.id, "remove");
    expect(new FileOutbox(path).size).toBe(0);
  });

  it("an entry the turn could not store is left queued for the next replay", () => {
    const outbox = new FileOutbox(join(tempDir(), "outbox.jsonl"));
    const ahead = outbox.writeAhead([{ role: "user", content: "I like tea." }], { userId: "u" });
    expect(outbox.size).toBe(0);
    outbox.done(ahead.id, "keep", "connect ECONNREFUSED");
    expect(outbox.list().map((e) => [e.id, e.error, e.attempts])).toEqual([[ahead.id, "connect ECONNREFUSED", 1]]);
  });

  it("refuses what engine.add would refuse, so no entry can block the queue forever", () => {
    const outbox = new FileOutbox(join(tempDir(), "outbox.jsonl"));
    expect(() => outbox.writeAhead([{ role: "user", content: "hi" }], { userId: "" })).toThrow(/userId is required/);
    expect(() => outbox.append([{ role: "user", content: "hi" }], { userId: "u", time: "not a time" }, "down")).toThrow();
    expect(new FileOutbox(outbox.path).size).toBe(0);
  });
});

/** A second process that holds the SQLite file's write lock until told to let go. */
function lockDatabase(file: string) {
  const child = spawn(
    process.execPath,
    ["-e", `const D=require("better-sqlite3");const db=new D(${JSON.stringify(file)});db.exec("BEGIN EXCLUSIVE");console.log("locked");process.stdin.once("data",()=>{db.exec("COMMIT");db.close();console.log("released")});`],
    { cwd: process.cwd(), stdio: ["pipe", "pipe", "inherit"] },
  );
  const said = (word: string) => new Promise<void>((r) => child.stdout!.on("data", (d) => String(d).includes(word) && r()));
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
  it("still answers, queues the update on disk, and stores every fact exactly once when the store is back", async () => {
    const dir = tempDir();
    const file = join(dir, "memory.db");
    const store = new SqliteMemoryStore(file);
    const { deps } = makeTestDeps({ store });
    deps.outbox = new FileOutbox(join(dir, "outbox.jsonl"));
    const graph = buildGraph(deps).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "t" }, context: runContext({ userId: "olga" }) };
    await graph.invoke({ messages: [new HumanMessage("I was born in Kyiv.")] }, config);

    const lock = lockDatabase(file);
    await lock.locked;
    const during = await graph.invoke({ messages: [new HumanMessage("I play the bandura.")] }, config);
    expect(during.messages.at(-1)!.content).toBeTruthy();
    expect(during.memoryUpdateStatus).toMatch(/^queued: /);
    expect(deps.outbox.size).toBe(1);
    await lock.release();

    const after = await graph.invoke({ messages: [new HumanMessage("I live in Lviv.")] }, config);
    expect(after.memoryUpdateStatus).toBe("ok");
    expect(deps.outbox.size).toBe(0);
    const texts = (await store.list("olga")).map((m) => m.text).sort();
    recordOutage("inline", 1, texts, ["I live in Lviv.", "I play the bandura.", "I was born in Kyiv."]);
    expect(texts).toEqual(["I live in Lviv.", "I play the bandura.", "I was born in Kyiv."]);
    await store.close();
  }, 60_000);

  it("in background mode too: the answer comes, the queued update is retried until the store is back", async () => {
    const dir = tempDir();
    const file = join(dir, "memory.db");
    const store = new SqliteMemoryStore(file);
    const { deps } = makeTestDeps({ store });
    const worker = new MemoryWorker({ memory: deps.memory, outbox: new FileOutbox(join(dir, "outbox.jsonl")), logger: silentLogger, retryBaseMs: 50, retryMaxMs: 200 });
    const graph = buildGraph({ ...deps, worker }).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "t" }, context: runContext({ userId: "ivan" }) };
    await graph.invoke({ messages: [new HumanMessage("I was born in Minsk.")] }, config);
    await worker.idle();

    const lock = lockDatabase(file);
    await lock.locked;
    const outage = ["I play the cello.", "My daughter is Vera."];
    const results = [];
    for (const text of outage) {
      const during = await graph.invoke({ messages: [new HumanMessage(text)] }, config);
      expect(during.messages.at(-1)!.content).toBeTruthy();
      results.push(await worker.result(during.memoryJobId!));
    }
    expect(results.map((r) => r.status)).toEqual(["queued", "queued"]);
    expect(worker.backlog).toBe(2);
    await lock.release();
    for (let i = 0; i < 100 && worker.backlog > 0; i++) await new Promise((r) => setTimeout(r, 50));
    await worker.idle();
    const texts = (await store.list("ivan")).map((m) => m.text).sort();
    recordOutage("background", outage.length, texts, ["I play the cello.", "I was born in Minsk.", "My daughter is Vera."]);
    expect(texts).toEqual(["I play the cello.", "I was born in Minsk.", "My daughter is Vera."]);
    await worker.close();
    await store.close();
  }, 60_000);

  it("replaying the same queued update twice stores nothing twice", async () => {
    const path = join(tempDir(), "outbox.jsonl");
    const outbox = new FileOutbox(path);
    const { engine } = makeTestDeps({ store: new InMemoryMemoryStore() });
    outbox.append([{ role: "user", content: "I keep bees." }], { userId: "u", sourceId: "m1" }, "down");
    const copy = readFileSync(path, "utf8");
    await outbox.replay(engine);
    appendFileSync(path, copy);
    await outbox.replay(engine);
    expect((await engine.list({ userId: "u" })).map((m) => m.text)).toEqual(["I keep bees."]);
  });
});

/** Figures of an outage round: facts said while the store was locked, recovered, duplicated. */
function recordOutage(mode: string, duringOutage: number, stored: string[], expected: string[]) {
  const duplicates = stored.length - new Set(stored).size;
  const lost = expected.filter((t) => !stored.includes(t)).length;
  recordFigure({ group: "outage", name: `facts said while the SQLite store was locked (${mode})`, value: duringOutage });
  recordFigure({ group: "outage", name: `facts lost after the store came back (${mode})`, value: lost, goal: 0 });
  recordFigure({ group: "outage", name: `duplicate facts after replay (${mode})`, value: duplicates, goal: 0 });
}
