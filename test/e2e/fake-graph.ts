/**
 * A dev-server graph entry for end-to-end tests on machines without a local model: the real
 * graph, the real embedded SQLite memory store (a file in DATA_DIR), with a scripted chat model
 * and synthetic embeddings injected. MEMORY_UPDATE_MODE=background gives it the memory worker on
 * DATA_DIR/queue.db (as the served product has by default); without it memory is updated
 * inside the run. FAKE_EXTRACT_DELAY_MS makes fact extraction as slow as a real model's.
 */
import { graphDefaults } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { join } from "node:path";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { buildGraph } from "../../src/graph/builder.js";
import { createLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { SqliteEntityStore } from "../../src/stores/sqlite/entities.js";
import { SqliteProfileStore } from "../../src/stores/sqlite/profiles.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { ScriptedChatModel, rememberingScript } from "../helpers/scripted-model.js";

const extractDelayMs = Number(process.env.FAKE_EXTRACT_DELAY_MS ?? 0);
const model = new ScriptedChatModel(async (kind, messages) => {
  if (kind === "extract" && extractDelayMs > 0) await new Promise((r) => setTimeout(r, extractDelayMs));
  return rememberingScript(kind, messages);
});
const dataDir = process.env.DATA_DIR ?? "./data";
const mode = process.env.MEMORY_UPDATE_MODE;
const queue = mode === "background" || mode === "inline" ? new SqliteJobQueue(join(dataDir, "queue.db")) : undefined;
/** Exported so the test HTTP app (test/e2e/app.ts) serves the memory this graph writes. */
export const engine = new MemoryEngine({
  store: new SqliteMemoryStore(join(dataDir, "memory.db")),
  entities: new SqliteEntityStore(join(dataDir, "memory.db")),
  profiles: new SqliteProfileStore(join(dataDir, "memory.db")),
  embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
  dims: 16,
  chatModel: model,
  // Profile refreshes go through the same queue as the memory updates.
  jobs: queue,
});

const logger = createLogger("warn");
export const worker = queue ? new MemoryWorker({ memory: async () => engine, queue, logger }) : undefined;
worker?.start();

export const graph = buildGraph({
  chatModel: async () => model,
  memory: async () => engine,
  logger,
  worker,
  memoryUpdateMode: mode === "inline" ? "inline" : "background",
  defaults: graphDefaults(loadSettings({})),
}).compile();
graph.name = "memory_chat";
