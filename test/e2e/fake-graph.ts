/**
 * A dev-server graph entry for end-to-end tests on machines without a local model: the real
 * graph, the real embedded SQLite memory store (a file in DATA_DIR), with a scripted chat model
 * and synthetic embeddings injected.
 */
import { graphDefaults } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { join } from "node:path";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { buildGraph } from "../../src/graph/builder.js";
import { createLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite.js";
import { ScriptedChatModel, rememberingScript } from "../helpers/scripted-model.js";

const model = new ScriptedChatModel(rememberingScript);
/** Exported so the test HTTP app (test/e2e/app.ts) serves the memory this graph writes. */
export const engine = new MemoryEngine({
  store: new SqliteMemoryStore(join(process.env.DATA_DIR ?? "./data", "memory.db")),
  embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
  dims: 16,
  chatModel: model,
});

export const graph = buildGraph({
  chatModel: async () => model,
  memory: async () => engine,
  logger: createLogger("warn"),
  defaults: graphDefaults(loadSettings({})),
}).compile();
graph.name = "memory_chat";
