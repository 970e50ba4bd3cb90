/**
 * Concurrent writers, retried runs and duplicated deliveries on the real SQLite store: every
 * distinct fact ends up stored exactly once and none is lost. The model is slow on purpose (each
 * call waits), so without the engine's per-user write lock the updates would interleave between
 * "read what is stored" and "write the new facts", and the same fact would be stored twice.
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
import { SqliteMemoryStore } from "../../src/stores/sqlite.js";
import { compileTestGraph, makeTestDeps } from "../graph/graph-harness.js";
import { rememberingScript } from "../helpers/scripted-model.js";
import { recordFigure } from "./figures.js";

const dir = mkdtempSync(join(tmpdir(), "memory-chat-concurrency-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh SQLite file and an engine whose model takes a few milliseconds per call. */
async function slowEngine() {
  const store = new SqliteMemoryStore(join(dir, `memory-${n++}.db`));
  const made = makeTestDeps({
    store,
    script: async (kind, messages) => {
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      return rememberingScript(kind, messages);
    },
  });
  // Embedding takes time too (a real embedder: milliseconds to tens of them), which opens the
  // window between the duplicate check and the write.
  const embeddings = (made.engine as unknown as { deps: { embeddings: { embedDocuments: (t: string[]) => Promise<number[][]> } } }).deps.embeddings;
  const embed = embeddings.embedDocuments.bind(embeddings);
  embeddings.embedDocuments = async (texts) => {
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
    return embed(texts);
  };
  await made.engine.init();
  return made;
}

/** Stored texts of a user, with how many times each appears. */
async function tally(engine: Awaited<ReturnType<typeof slowEngine>>["engine"], userId: string) {
  const counts = new Map<string, number>();
  for (const m of await engine.list({ userId })) counts.set(m.text, (counts.get(m.text) ?? 0) + 1);
  return counts;
}

function check(counts: Map<string, number>, expected: string[]) {
  const duplicates = [...counts.values()].reduce((s, c) => s + (c - 1), 0);
  const lost = expected.filter((t) => !counts.has(t)).length;
  return { duplicates, lost };
}

describe("concurrent writers, retries and duplicated deliveries", () => {
  it("8 concurrent updates of one user, same and different facts, each delivered twice", async () => {
    const { engine } = await slowEngine();
    const facts = ["I live in Porto.", "My cat is Miso.", "I work as a pilot.", "I like jazz."];
    const deliveries = [...facts, ...facts].map((fact, i) =>
      // The same turn delivered twice (a retried run): same text, same source message.
      engine.add([{ role: "user", content: fact }], { userId: "u", sourceId: `msg-${i % facts.length}` }),
    );
    const plus = facts.map((fact, i) => engine.add([{ role: "user", content: fact }], { userId: "u", sourceId: `again-${i}` }));
    await Promise.all([...deliveries, ...plus]);
    const { duplicates, lost } = check(await tally(engine, "u"), facts);
    recordFigure({ group: "concurrency", name: "concurrent updates of one user (engine)", value: deliveries.length + plus.length });
    recordFigure({ group: "concurrency", name: "duplicates after concurrent and retried updates", value: duplicates, goal: 0 });
    recordFigure({ group: "concurrency", name: "facts lost under concurrency (engine)", value: lost, goal: 0 });
    expect({ duplicates, lost }).toEqual({ duplicates: 0, lost: 0 });
  });

  it("two concurrent turns of one user on two threads, inline and in the background", async () => {
    for (const mode of ["inline", "background"] as const) {
      const { deps, engine } = await slowEngine();
      const worker = mode === "background" ? new MemoryWorker({ memory: deps.memory, outbox: new FileOutbox(join(dir, `outbox-${n}.jsonl`)), logger: silentLogger }) : undefined;
      const graph = compileTestGraph({ ...deps, worker });
      const said = [
        ["t1", "My sister is Ada. I live in Kyoto."],
        ["t2", "I live in Kyoto. My brother is Bo."],
        ["t1", "I drive a red car."],
        ["t2", "I drive a red car. My sister is Ada."],
      ] as const;
      await Promise.all(
        said.map(([thread, text]) =>
          graph.invoke({ messages: [new HumanMessage(text)] }, { configurable: { thread_id: `${mode}-${thread}` }, context: runContext({ userId: "w" }) }),
        ),
      );
      await worker?.idle();
      const expected = ["My sister is Ada.", "I live in Kyoto.", "My brother is Bo.", "I drive a red car."];
      const counts = await tally(engine, "w");
      const { duplicates, lost } = check(counts, expected);
      recordFigure({ group: "concurrency", name: `duplicates after concurrent turns (${mode})`, value: duplicates, goal: 0 });
      recordFigure({ group: "concurrency", name: `facts lost after concurrent turns (${mode})`, value: lost, goal: 0 });
      expect({ mode, duplicates, lost, stored: [...counts.keys()].sort() }).toEqual({ mode, duplicates: 0, lost: 0, stored: [...expected].sort() });
    }
  });

  it("two concurrent edits of one memory: both in its history, the text is one of them, no copy", async () => {
    const { engine } = await slowEngine();
    await engine.add([], { userId: "e", infer: false, facts: [{ text: "I live in Lima." }] });
    const [memory] = await engine.list({ userId: "e" });
    await Promise.all([engine.update(memory.id, "I live in Quito.", { userId: "e" }), engine.update(memory.id, "I live in Cusco.", { userId: "e" })]);
    const after = await engine.list({ userId: "e" });
    expect(after).toHaveLength(1);
    expect(["I live in Quito.", "I live in Cusco."]).toContain(after[0].text);
    const history = await engine.history(memory.id, { userId: "e" });
    expect(history.map((h) => h.newText)).toEqual(expect.arrayContaining(["I live in Quito.", "I live in Cusco."]));
  });
});
