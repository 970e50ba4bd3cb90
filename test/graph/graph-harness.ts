import { graphDefaults } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { MemorySaver } from "@langchain/langgraph";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import type { GraphDeps } from "../../src/graph/deps.js";
import { buildGraph } from "../../src/graph/builder.js";
import { silentLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import type { MemoryStore } from "../../src/memory/store.js";
import { ScriptedChatModel, rememberingScript, type Script } from "../helpers/scripted-model.js";

export const DIMS = 16;

/** Graph dependencies with a scripted model, synthetic embeddings and an in-memory store. */
export function makeTestDeps(options: { script?: Script; store?: MemoryStore; now?: () => Date } = {}) {
  const model = new ScriptedChatModel(options.script ?? rememberingScript);
  const store = options.store ?? new InMemoryMemoryStore();
  const engine = new MemoryEngine({
    store,
    embeddings: new SyntheticEmbeddings({ vectorSize: DIMS }),
    dims: DIMS,
    chatModel: model,
    now: options.now,
  });
  const deps: GraphDeps = {
    chatModel: async () => model,
    memory: async () => engine,
    logger: silentLogger,
    now: options.now,
    defaults: graphDefaults(loadSettings({})),
  };
  return { model, store, engine, deps };
}

export function compileTestGraph(deps: GraphDeps) {
  return buildGraph(deps).compile({ checkpointer: new MemorySaver() });
}
