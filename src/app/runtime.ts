import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { loadSettings, type Settings } from "../config/settings.js";
import type { GraphDeps } from "../graph/deps.js";
import { DEFAULT_PERSONA } from "../graph/context.js";
import { createLogger, type Logger } from "../logger.js";
import { MemoryEngine } from "../memory/engine.js";
import { FileUserLocks } from "../memory/file-user-locks.js";
import { FileOutbox } from "../memory/outbox.js";
import { MemoryWorker } from "../memory/worker.js";
import { join } from "node:path";
import { createChatModel } from "../models/chat.js";
import { createEmbeddings } from "../models/embeddings.js";
import { createMemoryStore } from "../stores/factory.js";

/**
 * The composition root: settings → logger, models, memory store, engine. Everything is built on
 * first use and shared, so the dev server, the terminal chat and the admin commands wire the
 * product the same way.
 */
export interface Runtime {
  settings: Settings;
  logger: Logger;
  chatModel: () => Promise<BaseChatModel>;
  memory: () => Promise<MemoryEngine>;
  graphDeps: GraphDeps;
  /**
   * The background memory worker (MEMORY_UPDATE_MODE=background), or undefined inline. Processes
   * that run the graph call `startMemoryWorker()`; `await runtime.memoryWorker?.idle()` waits for
   * queued updates.
   */
  memoryWorker?: MemoryWorker;
  /** Starts storing memory updates a previous process left in the outbox (graph processes only). */
  startMemoryWorker: () => void;
  /** Waits for the memory update in hand, leaves the rest queued on disk, closes the store. */
  close: () => Promise<void>;
}

/** Per-run defaults and limits of the graph, from the process settings. */
export function graphDefaults(settings: Settings): GraphDeps["defaults"] {
  return {
    historyWindow: settings.HISTORY_WINDOW,
    historyTokenBudget: settings.HISTORY_TOKEN_BUDGET,
    memoryTopK: settings.MEMORY_TOP_K,
    persona: DEFAULT_PERSONA,
    maxMessageChars: settings.MAX_MESSAGE_CHARS,
    rewriteTimeoutMs: Math.min(settings.MODEL_TIMEOUT_S * 1000, 30_000),
  };
}

export function createRuntime(settings: Settings = loadSettings(), options: { onModelProgress?: (msg: string) => void } = {}): Runtime {
  const logger = createLogger(settings.LOG_LEVEL);
  let chat: Promise<BaseChatModel> | undefined;
  let engine: Promise<MemoryEngine> | undefined;
  let stopEmbedder: (() => Promise<void>) | undefined;
  const chatModel = () => {
    chat ??= Promise.resolve().then(() => createChatModel(settings, { onProgress: options.onModelProgress }));
    // A failed build (e.g. no model configured) is retried on the next call, not cached.
    chat.catch(() => (chat = undefined));
    return chat;
  };
  // Processes sharing DATA_DIR (dev server, terminal chat, memories command) write one user at a time.
  const userLocks = new FileUserLocks(join(settings.DATA_DIR, "locks.db"));
  const memory = () => {
    engine ??= (async () => {
      const { embeddings, dims, coverage, close } = await createEmbeddings(settings);
      stopEmbedder = close;
      const store = await createMemoryStore(settings);
      const built = new MemoryEngine({
        store,
        embeddings,
        dims,
        queryCoverage: coverage,
        chatModel: await chatModel().catch(() => undefined),
        logger: logger.child({ component: "memory" }),
        halfLifeDays: settings.MEMORY_HALF_LIFE_DAYS,
        userLocks,
      });
      await built.init();
      return built;
    })();
    engine.catch(() => (engine = undefined));
    return engine;
  };
  const outbox = new FileOutbox(join(settings.DATA_DIR, "outbox.jsonl"));
  const memoryWorker =
    settings.MEMORY_UPDATE_MODE === "background"
      ? new MemoryWorker({ memory, outbox, logger: logger.child({ component: "memory-worker" }) })
      : undefined;
  return {
    settings,
    logger,
    chatModel,
    memory,
    memoryWorker,
    startMemoryWorker: () => memoryWorker?.start(),
    graphDeps: {
      chatModel,
      memory,
      logger: logger.child({ component: "graph" }),
      outbox,
      worker: memoryWorker,
      defaults: graphDefaults(settings),
    },
    close: async () => {
      await memoryWorker?.close();
      if (engine) await (await engine.catch(() => undefined))?.store.close();
      await stopEmbedder?.();
      userLocks.close();
    },
  };
}
