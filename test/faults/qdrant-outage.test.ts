/**
 * Qdrant stopped (SIGTERM), killed (SIGKILL) and frozen (SIGSTOP) mid-conversation, then
 * restarted on the same storage and port: turns still answer (marked as made without long-term
 * memory), their memory updates wait in the durable update queue, and once Qdrant is back every
 * fact said in the conversation is in Qdrant exactly once and the queue has nothing left.
 *
 * Needs a Qdrant server binary: QDRANT_BIN=/path/to/qdrant npx vitest run
 * test/faults/qdrant-outage.test.ts (skipped, with a printed line, without it). The client checks
 * at the top (a server that answers nothing, a closed port) run everywhere.
 */
import { HumanMessage } from "@langchain/core/messages";
import { createServer, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runContext } from "../../src/graph/context.js";
import { silentLogger } from "../../src/logger.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { QdrantMemoryStore } from "../../src/stores/qdrant/memories.js";
import {
  createQdrantClient,
  FAIL_FAST_MS,
  QdrantCaller,
  QdrantUnavailableError,
} from "../../src/stores/qdrant/client.js";
import { compileTestGraph, makeTestDeps } from "../graph/graph-harness.js";
import { freePort } from "../e2e/dev-server.js";
import { qdrantProcess, type QdrantProcess } from "../helpers/qdrant-process.js";
import { recordFigure } from "./figures.js";

const binary = process.env.QDRANT_BIN;
if (!binary) console.log("skipped: set QDRANT_BIN to a qdrant server binary to run the outage test");

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "memory-chat-qdrant-outage-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ready` every 50 ms until it holds: a test waits for a state, never a fixed time for it. */
async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs / 1000} s for ${what}`);
    await sleep(50);
  }
}
const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe("Qdrant client when the server does not answer (no server binary needed)", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r) ?? r(undefined));
    server = undefined;
  });

  /** An HTTP server that holds every request unanswered while `frozen`, like a SIGSTOPped Qdrant. */
  async function hangingServer() {
    const held: ServerResponse[] = [];
    const state = { frozen: true, requests: 0 };
    server = createServer((req, res) => {
      state.requests++;
      if (state.frozen) held.push(res);
      else
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ result: { collections: [] }, status: "ok", time: 0 }));
    });
    const port = await freePort();
    await new Promise<void>((r) => server!.listen(port, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${port}`, state };
  }

  it("a frozen server: the request times out as 'did not answer' (503 for the routes); later calls fail at once until it answers again", async () => {
    const { url, state } = await hangingServer();
    const caller = new QdrantCaller(createQdrantClient({ url, timeoutMs: 300 }), url, fast, 300);
    const list = () => caller.call("listing collections", (c) => c.getCollections());

    let t0 = performance.now();
    const first = await list().catch((e: unknown) => e);
    const firstMs = performance.now() - t0;
    expect(first).toBeInstanceOf(QdrantUnavailableError);
    expect((first as Error).message).toBe(
      `QDRANT_URL is set but Qdrant at ${url} did not answer within 0.3 s: start it, or unset QDRANT_URL to use the embedded store`,
    );
    expect((first as QdrantUnavailableError).reason).toBe("ETIMEDOUT");
    expect(state.requests).toBe(1); // a timed-out request is not sent again
    expect(firstMs).toBeLessThan(2_000);

    // Known down: the next calls fail without waiting out another timeout.
    t0 = performance.now();
    await expect(list()).rejects.toBeInstanceOf(QdrantUnavailableError);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(state.requests).toBe(1);

    // Still frozen after the fail-fast window: one probe (which gets no answer either), no request.
    await sleep(FAIL_FAST_MS + 50);
    const second = await list().catch((e: unknown) => e);
    expect((second as QdrantUnavailableError).reason).toBe("ETIMEDOUT");
    expect(state.requests).toBe(2);

    // It answers again: after the window the probe sees it and the call goes through.
    state.frozen = false;
    await sleep(FAIL_FAST_MS + 50);
    await expect(list()).resolves.toEqual({ collections: [] });
    expect(state.requests).toBe(4); // the probe and the call
    await expect(list()).resolves.toEqual({ collections: [] });
    expect(state.requests).toBe(5); // answering again: no more probes
  });

  it("QDRANT_TIMEOUT_S bounds how long a store built from settings waits for a frozen server", async () => {
    const { url } = await hangingServer();
    const store = QdrantMemoryStore.fromSettings({
      QDRANT_URL: url,
      QDRANT_COLLECTION: "c",
      QDRANT_API_KEY: undefined,
      QDRANT_TIMEOUT_S: 1,
    });
    const t0 = performance.now();
    await expect(store.init(16)).rejects.toThrow(`Qdrant at ${url} did not answer within 1 s`);
    expect(performance.now() - t0).toBeLessThan(3_000);
  });

  it("a closed port: after one call found it down, the next ones fail at once, without retries", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const caller = new QdrantCaller(createQdrantClient({ url }), url, {
      attempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 2_000,
    });
    let calls = 0;
    const send = () => caller.call("reading", async (c) => (calls++, c.getCollections()));
    let t0 = performance.now();
    const first = await send().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(QdrantUnavailableError);
    expect((first as QdrantUnavailableError).reason).toBe("ECONNREFUSED");
    expect(calls).toBe(4);
    expect(performance.now() - t0).toBeGreaterThan(300); // the retries' backoff (>= 50+100+200 ms)
    t0 = performance.now();
    const second = await send().catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(50);
    expect((second as QdrantUnavailableError).reason).toBe("ECONNREFUSED");
    expect(calls).toBe(4);
  });
});

/** Every memory point of the user in Qdrant, read over its REST API (not through the product's store). */
async function pointsInQdrant(url: string, collection: string, userId: string): Promise<string[]> {
  const texts: string[] = [];
  let offset: unknown = null;
  do {
    const res = await fetch(`${url}/collections/${collection}/points/scroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        filter: { must: [{ key: "userId", match: { value: userId } }] },
        limit: 256,
        offset,
        with_payload: ["text"],
        with_vector: false,
      }),
    });
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as {
      result: { points: { payload: { text: string } }[]; next_page_offset: unknown };
    };
    texts.push(...result.points.map((p) => p.payload.text));
    offset = result.next_page_offset;
  } while (offset !== null && offset !== undefined);
  return texts;
}

/** Figures of one outage round: facts said while Qdrant was down, how many are in Qdrant once each. */
function recordRound(round: string, duringOutage: string[], stored: string[], allFacts: string[]) {
  const duplicates = stored.length - new Set(stored).size;
  const lost = allFacts.filter((f) => !stored.includes(f)).length;
  const recovered = duringOutage.filter((f) => stored.filter((s) => s === f).length === 1).length;
  recordFigure({ group: "outage", name: `Qdrant ${round}: facts said while down`, value: duringOutage.length });
  recordFigure({
    group: "outage",
    name: `Qdrant ${round}: of those, stored once`,
    value: recovered,
    goal: duringOutage.length,
  });
  recordFigure({ group: "outage", name: `Qdrant ${round}: duplicate facts`, value: duplicates, goal: 0 });
  recordFigure({ group: "outage", name: `Qdrant ${round}: facts lost`, value: lost, goal: 0 });
  return { duplicates, lost, recovered };
}

const fmt = (ms: number[]) => ms.map((m) => Math.round(m)).join(", ");

describe.skipIf(!binary)("Qdrant stopped and restarted mid-conversation", () => {
  let qdrant: QdrantProcess | undefined;
  afterEach(async () => {
    await qdrant?.dispose();
    qdrant = undefined;
  });

  it("inline updates: stopped (SIGTERM), killed (SIGKILL), frozen (SIGSTOP); every fact in Qdrant once, the queue drained", async () => {
    qdrant = await qdrantProcess(binary!);
    await qdrant.start();
    const q = qdrant;
    // A request timeout of 5 s (30 s by default) keeps the frozen round short; every request
    // this test makes to a running local Qdrant takes milliseconds.
    const store = new QdrantMemoryStore({ url: q.url, collection: "outage_inline", timeoutMs: 5_000 });
    const { deps } = makeTestDeps({ store });
    const worker = new MemoryWorker({
      memory: deps.memory,
      queue: new SqliteJobQueue(join(tempDir(), "queue.db")),
      logger: silentLogger,
      retryBaseMs: 200,
      retryMaxMs: 1_000,
    });
    const graph = compileTestGraph({ ...deps, worker, memoryUpdateMode: "inline" });
    const config = { configurable: { thread_id: "inline" }, context: runContext({ userId: "lena" }) };
    const say = (text: string) => graph.invoke({ messages: [new HumanMessage(text)] }, config);
    const allFacts: string[] = [];
    const stored = () => pointsInQdrant(q.url, "outage_inline", "lena");
    // Back up means a call through the store succeeds: its client fails fast for a second after
    // its last miss, and a worker's retry may miss once more while Qdrant starts.
    const storeAnswers = () =>
      waitFor("the store to answer after the restart", () =>
        store.count("lena").then(
          () => true,
          () => false,
        ),
      );

    for (const fact of ["My name is Lena.", "I was born in Tartu."]) {
      const turn = await say(fact);
      expect(turn.retrievalStatus).toBe("ok");
      expect(turn.memoryUpdateStatus).toBe("ok");
      allFacts.push(fact);
    }
    expect((await stored()).sort()).toEqual([...allFacts].sort());

    /** Turns while Qdrant is down: each answers, says memory was unavailable, and its update stays queued. */
    const turnsWhileDown = async (facts: string[]) => {
      const ms: number[] = [];
      for (const fact of facts) {
        const before = await worker.backlog();
        const t0 = performance.now();
        const turn = await say(fact);
        ms.push(performance.now() - t0);
        expect(turn.messages.at(-1)!.content).toBeTruthy();
        expect(turn.retrievalStatus).toBe("unavailable");
        expect(turn.memoryUpdateStatus).toMatch(/^(retrying|queued): /);
        expect(await worker.backlog()).toBe(before + 1);
        allFacts.push(fact);
      }
      const waiting = await worker.queue.list({ userId: "lena", state: "queued" });
      expect(waiting.map((j) => j.payload.input[0].content)).toEqual(expect.arrayContaining(facts));
      return ms;
    };

    // Round 1: a clean stop; after the restart the next turn's update waits for the queued ones, in order.
    await q.stop("SIGTERM");
    const round1 = ["I live in Riga.", "My dog is Max."];
    const sigtermMs = await turnsWhileDown(round1);
    expect(await worker.backlog()).toBe(round1.length);
    await q.start();
    await storeAnswers();
    const next = await say("I play chess.");
    allFacts.push("I play chess.");
    expect(next.retrievalStatus).toBe("ok");
    expect(next.memoryUpdateStatus).toBe("ok");
    expect(await worker.backlog()).toBe(0);
    const afterSigterm = await stored();
    const r1 = recordRound("SIGTERM, inline", round1, afterSigterm, allFacts);

    // Round 2: killed; after the restart an operator's retry (memories queue retry --all) drains the queue.
    await q.stop("SIGKILL");
    const round2 = ["I work as a nurse.", "My sister is Anna."];
    const sigkillMs = await turnsWhileDown(round2);
    const waiting = (await worker.queue.list({ userId: "lena", state: "queued" })).map((j) => j.id);
    expect(waiting).toHaveLength(round2.length);
    await q.start();
    await storeAnswers();
    const retried = await worker.retry({ userId: "lena" });
    // The worker's own backoff (at most 1 s here) may have taken a job between the two calls; the
    // operator's retry makes every other one due now.
    for (const id of waiting) {
      const job = await worker.queue.get(id);
      expect(retried.includes(id) || job?.state === "running" || job?.state === "done").toBe(true);
    }
    await waitFor("the queue to drain", async () => (await worker.backlog()) === 0);
    const r2 = recordRound("SIGKILL, inline", round2, await stored(), allFacts);

    // Round 3: frozen, ports open but no answer; the first turn waits out one request timeout.
    q.freeze();
    const round3 = ["I drink green tea.", "My car is blue."];
    const frozenMs = await turnsWhileDown(round3);
    q.thaw();
    await storeAnswers();
    const last = await say("What do you know about me?");
    expect(last.retrievalStatus).toBe("ok");
    expect(last.memoryUpdateStatus).toBe("ok");
    expect(String(last.messages.at(-1)!.content)).toMatch(/^From memory: /);
    const r3 = recordRound("SIGSTOP, inline", round3, await stored(), allFacts);

    console.log(
      `turn time while Qdrant was down, inline updates: stopped ${fmt(sigtermMs)} ms, killed ${fmt(sigkillMs)} ms, frozen ${fmt(frozenMs)} ms`,
    );
    recordFigure({
      group: "outage",
      name: "slowest turn, Qdrant stopped or killed (ms)",
      value: Math.round(Math.max(...sigtermMs, ...sigkillMs)),
    });
    recordFigure({
      group: "outage",
      name: "slowest turn, Qdrant frozen, 5 s request timeout (ms)",
      value: Math.round(Math.max(...frozenMs)),
    });
    // Down means refused at once: no turn waits on the store for long.
    expect(Math.max(...sigtermMs, ...sigkillMs)).toBeLessThan(3_000);
    // Frozen: one request timeout (retrieval), then the client fails fast; later turns faster still.
    expect(frozenMs[0]).toBeLessThan(5_000 + 3_000);
    // The second may wait for the first one's retry, which meets the frozen server once more.
    expect(frozenMs[1]).toBeLessThan(5_000 + 3_000);

    expect([r1, r2, r3].map((r) => ({ lost: r.lost, duplicates: r.duplicates }))).toEqual(
      Array(3).fill({ lost: 0, duplicates: 0 }),
    );
    expect([r1.recovered, r2.recovered, r3.recovered]).toEqual([round1.length, round2.length, round3.length]);
    const final = await stored();
    expect(final.sort()).toEqual([...allFacts].sort());
    expect(final.length).toBe(allFacts.length);
    expect(await worker.backlog()).toBe(0);
    await worker.close();
  }, 300_000);

  it("background worker: killed (SIGKILL) between the two writes of a fact; stored once after the restart, with its history", async () => {
    qdrant = await qdrantProcess(binary!);
    await qdrant.start();
    const q = qdrant;
    const store = new QdrantMemoryStore({ url: q.url, collection: "outage_worker" });
    const { deps } = makeTestDeps({ store });
    const worker = new MemoryWorker({
      memory: deps.memory,
      queue: new SqliteJobQueue(join(tempDir(), "queue.db")),
      logger: silentLogger,
      retryBaseMs: 200,
      retryMaxMs: 1_000,
    });
    const graph = compileTestGraph({ ...deps, worker });
    const config = { configurable: { thread_id: "worker" }, context: runContext({ userId: "omar" }) };
    const say = (text: string) => graph.invoke({ messages: [new HumanMessage(text)] }, config);
    const stored = () => pointsInQdrant(q.url, "outage_worker", "omar");
    const allFacts = ["My name is Omar."];
    await say(allFacts[0]);
    await worker.idle();
    expect(await stored()).toEqual(allFacts);

    // The next fact's first write (its history entry, written ahead) lands in Qdrant, then Qdrant
    // is killed before the memory's points are written; the job stays queued.
    const appendHistory = store.appendHistory.bind(store);
    let killedAfterWrite = false;
    store.appendHistory = async (entries) => {
      await appendHistory(entries);
      if (!killedAfterWrite) {
        killedAfterWrite = true;
        await q.stop("SIGKILL");
      }
    };
    const midWrite = "I live in Oslo.";
    const turn = await say(midWrite);
    allFacts.push(midWrite);
    expect(turn.messages.at(-1)!.content).toBeTruthy();
    expect((await worker.result(turn.memoryJobId!)).status).toBe("retrying");
    expect(killedAfterWrite).toBe(true);

    const duringOutage = [midWrite];
    const downMs: number[] = [];
    for (const fact of ["My son is Ali.", "I speak Arabic."]) {
      const t0 = performance.now();
      const down = await say(fact);
      downMs.push(performance.now() - t0);
      expect(down.messages.at(-1)!.content).toBeTruthy();
      expect(down.retrievalStatus).toBe("unavailable");
      expect((await worker.result(down.memoryJobId!)).status).toMatch(/^(retrying|queued)$/);
      duringOutage.push(fact);
      allFacts.push(fact);
    }
    expect(await worker.backlog()).toBe(duringOutage.length);

    await q.start();
    for (let i = 0; i < 100 && (await worker.backlog()) > 0; i++) await sleep(100);
    await worker.idle();
    expect(await worker.backlog()).toBe(0);
    const after = await say("What do you know about me?");
    expect(after.retrievalStatus).toBe("ok");
    await worker.idle();
    await worker.close();

    console.log(`turn time while Qdrant was down, background updates: ${fmt(downMs)} ms`);
    const texts = await stored();
    // Every memory, the one whose write was cut in two included, has the entry that made it.
    const withoutHistory = (
      await Promise.all((await store.list("omar")).map((m) => store.history("omar", m.id)))
    ).filter((h) => h.length === 0).length;
    recordFigure({
      group: "outage",
      name: "Qdrant SIGKILL mid-write: memories without history",
      value: withoutHistory,
      goal: 0,
    });
    expect(withoutHistory).toBe(0);
    const r = recordRound("SIGKILL mid-write, worker", duringOutage, texts, allFacts);
    expect({ lost: r.lost, duplicates: r.duplicates, recovered: r.recovered }).toEqual({
      lost: 0,
      duplicates: 0,
      recovered: duringOutage.length,
    });
    expect(texts.sort()).toEqual([...allFacts].sort());
    expect(await worker.queue.list({ state: "dead" })).toEqual([]);
    expect(Math.max(...downMs)).toBeLessThan(3_000);
  }, 300_000);
});
