/**
 * LangSmith traces of the engine's own steps, sent over real HTTP to a stand-in for the LangSmith
 * API (LANGSMITH_ENDPOINT on 127.0.0.1), from an engine on a real SQLite file: a search shows
 * its fused hits with their ranks and the fusion weights, and under it the rank fusion with each
 * side's candidates; an update shows extraction with the model's own run nested under it; a
 * queue job shows the update it ran; a graph run shows the search under its retrieveMemories node.
 */
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { runContext } from "../../src/graph/context.js";
import { silentLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { tracingEnabled } from "../../src/tracing/traced.js";
import { startLangSmithStandIn, type LangSmithStandIn } from "../helpers/langsmith-server.js";
import { ScriptedChatModel } from "../helpers/scripted-model.js";
import { compileTestGraph, makeTestDeps } from "../graph/graph-harness.js";

const TRACING_ENV = [
  "LANGSMITH_TRACING",
  "LANGSMITH_TRACING_V2",
  "LANGCHAIN_TRACING_V2",
  "LANGCHAIN_TRACING",
  "LANGSMITH_ENDPOINT",
  "LANGSMITH_API_KEY",
  "LANGSMITH_PROJECT",
];

describe("tracing the engine's steps to LangSmith", () => {
  let langsmith: LangSmithStandIn;
  let dir: string;
  let store: SqliteMemoryStore;
  let engine: MemoryEngine;
  const saved = Object.fromEntries(TRACING_ENV.map((k) => [k, process.env[k]]));

  beforeAll(async () => {
    for (const k of TRACING_ENV) delete process.env[k];
    langsmith = await startLangSmithStandIn();
    process.env.LANGSMITH_ENDPOINT = langsmith.url;
    process.env.LANGSMITH_API_KEY = "ls-test-key";
    process.env.LANGSMITH_PROJECT = "memory-chat-test";
    dir = mkdtempSync(join(tmpdir(), "tracing-"));
    store = new SqliteMemoryStore(join(dir, "memory.db"));
    const model = new ScriptedChatModel((kind) =>
      kind === "extract"
        ? JSON.stringify({
            facts: [{ text: "Plays the cello", category: "skill", about: "user", eventTime: null, forget: false }],
          })
        : JSON.stringify({ decisions: [] }),
    );
    engine = new MemoryEngine({
      store,
      embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
      dims: 16,
      chatModel: model,
      halfLifeDays: 0,
    });
    await engine.add("", {
      userId: "alice",
      infer: false,
      facts: [
        "I am allergic to peanuts",
        "My sister lives in Lisbon",
        "I drink green tea",
        "Peanut butter is banned at home",
      ].map((text) => ({ text })),
    });
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    await store.close();
    await langsmith.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends nothing while LANGSMITH_TRACING is unset", async () => {
    expect(tracingEnabled()).toBe(false);
    await engine.search("peanuts", { userId: "alice" });
    await new Promise((r) => setTimeout(r, 300));
    expect(langsmith.requests).toEqual([]);
  });

  it("shows a search's hits, ranks and fusion weights, and the rank fusion's candidates from each side", async () => {
    process.env.LANGSMITH_TRACING = "true";
    const hits = await engine.search("allergic to peanuts", { userId: "alice", limit: 3 });
    expect(hits.length).toBeGreaterThan(0);

    const search = await langsmith.ended("memory search");
    expect(search.inputs).toMatchObject({ query: "allergic to peanuts", userId: "alice", limit: 3 });
    // The weights and ranks the caller got are the ones the trace shows.
    expect(search.outputs!.fusion).toEqual(hits[0].fusion);
    expect(search.outputs!.fusion).toEqual(
      expect.objectContaining({ dense: expect.any(Number), lexical: expect.any(Number), coverage: 1 }),
    );
    expect(search.outputs!.hits).toEqual(
      hits.map((h) => ({
        id: h.memory.id,
        text: h.memory.text,
        score: h.score,
        denseRank: h.denseRank ?? null,
        lexicalRank: h.lexicalRank ?? null,
      })),
    );
    expect(search.outputs!.hits[0].text).toBe("I am allergic to peanuts");
    expect(search.outputs!.hits[0].lexicalRank).toBe(1);

    const fusion = await langsmith.ended("rank fusion");
    expect(fusion.parent_run_id).toBe(search.id);
    expect(fusion.trace_id).toBe(search.trace_id);
    // Each side's candidates with their own scores: dense over every memory, lexical over the matches.
    expect(fusion.inputs!.dense).toHaveLength(4);
    expect(fusion.inputs!.lexical.map((c: { id: string }) => c.id)).toContain(hits[0].memory.id);
    expect(fusion.inputs!.lexical.every((c: { score: number }) => c.score > 0)).toBe(true);
    expect(fusion.outputs!.weights).toEqual(hits[0].fusion);
    expect(fusion.outputs!.ranked[0]).toEqual(expect.objectContaining({ id: hits[0].memory.id, lexicalRank: 1 }));
  });

  it("shows an update's extraction, with the model's own run nested under it", async () => {
    process.env.LANGSMITH_TRACING = "true";
    const result = await engine.add("I play the cello.", { userId: "alice", sourceId: "m-cello" });
    expect(result.changes.map((c) => c.text)).toEqual(["Plays the cello"]);

    const update = await langsmith.ended("memory update");
    expect(update.outputs!.changes).toEqual(result.changes);
    const extract = await langsmith.ended("extract facts");
    expect(extract.parent_run_id).toBe(update.id);
    expect(extract.outputs!.facts.map((f: { text: string }) => f.text)).toEqual(["Plays the cello"]);
    const deadline = Date.now() + 15_000;
    let modelRun;
    while (!modelRun && Date.now() < deadline) {
      modelRun = [...langsmith.runs.values()].find((r) => r.run_type === "llm" && r.parent_run_id === extract.id);
      if (!modelRun) await new Promise((r) => setTimeout(r, 50));
    }
    expect(modelRun, "the chat model's run under extract facts").toBeDefined();
  });

  it("shows a queued job's execution, with the update it ran under it", async () => {
    process.env.LANGSMITH_TRACING = "true";
    const queue = new SqliteJobQueue(join(dir, "queue.db"));
    const worker = new MemoryWorker({ memory: async () => engine, queue, logger: silentLogger, pollMs: 20 });
    worker.start();
    try {
      const outcome = await worker.run([{ role: "user", content: "I play the cello, still." }], {
        userId: "alice",
        sourceId: "m-cello-2",
      });
      expect(outcome.status).toBe("stored");
      const job = await langsmith.ended("memory job");
      expect(job.inputs).toMatchObject({ jobId: outcome.jobId, userId: "alice", attempts: 1 });
      expect(job.outputs!.changes).toEqual(outcome.changes);
      const updates = [...langsmith.runs.values()].filter(
        (r) => r.name === "memory update" && r.parent_run_id === job.id,
      );
      expect(updates).toHaveLength(1);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it("nests a graph run's memory search under its retrieveMemories node", async () => {
    process.env.LANGSMITH_TRACING = "true";
    const { deps, engine: graphEngine } = makeTestDeps();
    await graphEngine.add("", { userId: "ana", infer: false, facts: [{ text: "Favourite colour is green" }] });
    const graph = compileTestGraph(deps);
    await graph.invoke(
      { messages: [new HumanMessage("What is my favourite colour?")] },
      { configurable: { thread_id: "traced" }, context: runContext({ userId: "ana" }) },
    );
    const deadline = Date.now() + 15_000;
    const node = () => [...langsmith.runs.values()].find((r) => r.name === "retrieveMemories");
    const search = () =>
      [...langsmith.runs.values()].find((r) => r.name === "memory search" && r.inputs?.userId === "ana" && r.outputs);
    while (!(node() && search()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(node(), "the node's run").toBeDefined();
    expect(search()!.parent_run_id).toBe(node()!.id);
    expect(search()!.outputs!.hits.map((h: { text: string }) => h.text)).toContain("Favourite colour is green");
  });
});
