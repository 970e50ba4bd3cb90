/**
 * Qdrant stopped (SIGTERM) and killed (SIGKILL) mid-conversation, then restarted on the same
 * storage: turns still answer (marked as made without long-term memory), their memory updates wait
 * in the durable outbox, and once Qdrant is back every fact said in the conversation is stored
 * exactly once. Needs a Qdrant server binary: QDRANT_BIN=/path/to/qdrant npx vitest run
 * test/faults/qdrant-outage.test.ts (skipped, with a printed line, without it).
 */
import { HumanMessage } from "@langchain/core/messages";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runContext } from "../../src/graph/context.js";
import { silentLogger } from "../../src/logger.js";
import { FileOutbox } from "../../src/memory/outbox.js";
import { MemoryWorker } from "../../src/memory/worker.js";
import { QdrantMemoryStore } from "../../src/stores/qdrant.js";
import { compileTestGraph, makeTestDeps } from "../graph/graph-harness.js";
import { qdrantProcess, type QdrantProcess } from "../helpers/qdrant-process.js";
import { recordFigure } from "./figures.js";

const binary = process.env.QDRANT_BIN;
if (!binary) console.log("skipped: Qdrant outage test: set QDRANT_BIN to a Qdrant server binary to run it (it starts its own server on free ports)");

describe.skipIf(!binary)("Qdrant stopped and restarted mid-conversation", () => {
  let qdrant: QdrantProcess;
  const dir = mkdtempSync(join(tmpdir(), "memory-chat-qdrant-outage-"));
  afterAll(async () => {
    await qdrant?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers while it is down and stores every fact exactly once when it is back", async () => {
    qdrant = await qdrantProcess(binary!);
    await qdrant.start();
    const store = QdrantMemoryStore.fromSettings({ QDRANT_URL: qdrant.url, QDRANT_COLLECTION: "outage" });
    const { deps, engine } = makeTestDeps({ store });
    const worker = new MemoryWorker({ memory: deps.memory, outbox: new FileOutbox(join(dir, "outbox.jsonl")), logger: silentLogger, retryBaseMs: 200, retryMaxMs: 1_000 });
    const graph = compileTestGraph({ ...deps, worker });
    const config = { configurable: { thread_id: "q" }, context: runContext({ userId: "lena" }) };
    const say = (text: string) => graph.invoke({ messages: [new HumanMessage(text)] }, config);

    await say("My name is Lena.");
    await worker.idle();
    const allFacts = ["My name is Lena."];
    let duringOutage = 0;
    const downTurnMs: number[] = [];
    for (const [signal, facts] of [
      ["SIGTERM", ["I live in Riga.", "My dog is Max."]],
      ["SIGKILL", ["I work as a nurse."]],
    ] as const) {
      await qdrant.stop(signal);
      for (const fact of facts) {
        const t0 = performance.now();
        const turn = await say(fact);
        downTurnMs.push(performance.now() - t0);
        expect(turn.messages.at(-1)!.content).toBeTruthy();
        expect(turn.retrievalStatus).toBe("unavailable");
        expect((await worker.result(turn.memoryJobId!)).status).toBe("queued");
        duringOutage++;
        allFacts.push(fact);
      }
      expect(worker.backlog).toBe(facts.length);
      await qdrant.start();
      for (let i = 0; i < 100 && worker.backlog > 0; i++) await new Promise((r) => setTimeout(r, 100));
      await worker.idle();
      expect(worker.backlog).toBe(0);
    }
    const after = await say("What do you know about me?");
    expect(after.retrievalStatus).toBe("ok");
    await worker.idle();

    const stored = (await engine.list({ userId: "lena" })).map((m) => m.text);
    const duplicates = stored.length - new Set(stored).size;
    const lost = allFacts.filter((f) => !stored.includes(f)).length;
    recordFigure({ group: "outage", name: "facts said while Qdrant was stopped or killed", value: duringOutage });
    recordFigure({ group: "outage", name: "facts lost after Qdrant came back", value: lost, goal: 0 });
    recordFigure({ group: "outage", name: "duplicate facts after Qdrant came back", value: duplicates, goal: 0 });
    console.log(`turn time while Qdrant was down: ${downTurnMs.map((ms) => Math.round(ms)).join(", ")} ms`);
    expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
    expect(stored.sort()).toEqual([...allFacts].sort());
    await worker.close();
  }, 300_000);
});
