/**
 * The graph served by `langgraph dev` as `memory_chat` (langgraph.json). Compiled without a
 * checkpointer: the server supplies its own (short-term memory). Long-term memory is injected
 * through the runtime, never taken from the server's `config.store`; the runtime is the process's
 * shared one, so the memory routes of src/server/app.ts see the same engine.
 */
import { sharedRuntime } from "../src/app/shared-runtime.js";
import { buildGraph } from "../src/graph/builder.js";

const runtime = sharedRuntime();
// Memory updates left queued by a previous server process are stored now.
runtime.startMemoryWorker();

export const graph = buildGraph(runtime.graphDeps).compile();
graph.name = "memory_chat";
