import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { loadSettings, type Settings } from "../config/settings.js";
import type { GraphDeps } from "../graph/deps.js";
import { runDefaults } from "../graph/context.js";
import { createLogger, logSink, type Logger } from "../logger.js";
import { MemoryEngine } from "../memory/engine.js";
import { MemoryWorker } from "../memory/queue/worker.js";
import { createChatModel, extractionStyle, modelSpecFor, type ModelRole } from "../models/chat.js";
import { createEmbeddings } from "../models/embeddings.js";
import { createJobQueue, createStores, createUserLocks } from "../stores/factory.js";

/**
 * The composition root: settings → logger, models, memory store, engine. Everything is built on
 * first use and shared, so the dev server, the terminal chat and the admin commands wire the
 * product the same way.
 */
export interface Runtime {
  settings: Settings;
  logger: Logger;
  /** The model that answers (CHAT_MODEL); memory work may use another (MEMORY_MODEL). */
  chatModel: () => Promise<BaseChatModel>;
  memory: () => Promise<MemoryEngine>;
  graphDeps: GraphDeps;
  /**
   * The worker of the memory update queue (`DATA_DIR/queue.db`, or
   * PostgreSQL with DATABASE_URL), in both update modes. Processes
   * that run the graph call `startMemoryWorker()`; `await runtime.memoryWorker.idle()` waits for
   * the updates it can store now.
   */
  memoryWorker: MemoryWorker;
  /** Starts storing memory updates, including those a previous process left queued (graph processes only). */
  startMemoryWorker: () => void;
  /** Waits for the memory updates in hand, leaves the rest queued on disk, closes the store. */
  close: () => Promise<void>;
  /** What `close` is waiting for now ("" when it is not closing): for a message when closing is slow. */
  closingStep: () => string;
}

/** Per-run defaults and limits of the graph, from the process settings. */
export function graphDefaults(settings: Settings): GraphDeps["defaults"] {
  return {
    ...runDefaults(settings),
    profileTokenBudget: settings.PROFILE_TOKEN_BUDGET,
    maxMessageChars: settings.MAX_MESSAGE_CHARS,
    rewriteTimeoutMs: Math.min(settings.MODEL_TIMEOUT_S * 1000, 30_000),
  };
}

export function createRuntime(
  settings: Settings = loadSettings(),
  options: {
    onModelProgress?: (msg: string) => void;
    /** Memory administration: no chat model is loaded, whatever the settings name. */
    withoutChatModels?: boolean;
  } = {},
): Runtime {
  const logger = createLogger(settings.LOG_LEVEL, {}, logSink(settings.LOG_FILE));
  let stopEmbedder: (() => Promise<void>) | undefined;
  // One instance per model spec: answers and memory work share a model when they name the same.
  const models = new Map<string, Promise<BaseChatModel>>();
  const modelFor = (role: ModelRole) => {
    const key = modelSpecFor(settings, role) ?? `none:${role}`;
    let model = models.get(key);
    if (!model) {
      model = Promise.resolve().then(() => createChatModel(settings, { onProgress: options.onModelProgress, role }));
      // A failed build (e.g. no model configured) is retried on the next call, not cached.
      model.catch(() => models.delete(key));
      models.set(key, model);
    }
    return model;
  };
  const chatModel = () => modelFor("answer");
  let engine: Promise<MemoryEngine> | undefined;
  // Processes sharing DATA_DIR (or DATABASE_URL: every app server) write one user at a time.
  const userLocks = createUserLocks(settings);
  const queue = createJobQueue(settings);
  const modelTimeoutMs = settings.MODEL_TIMEOUT_S * 1000;
  const memory = () => {
    engine ??= (async () => {
      const { embeddings, dims, coverage, close } = await createEmbeddings(settings);
      stopEmbedder = close;
      const stores = await createStores(settings);
      const built = new MemoryEngine({
        store: stores.memories,
        entities: stores.entities,
        profiles: stores.profiles,
        interestHalfLifeDays: settings.INTEREST_HALF_LIFE_DAYS,
        embeddings,
        dims,
        queryCoverage: coverage,
        chatModel: options.withoutChatModels ? undefined : await modelFor("memory").catch(() => undefined),
        extractionStyle: extractionStyle(settings),
        reconciliation: settings.MEMORY_RECONCILIATION === "auto" ? undefined : settings.MEMORY_RECONCILIATION,
        logger: logger.child({ component: "memory" }),
        halfLifeDays: settings.MEMORY_HALF_LIFE_DAYS,
        feedback: { step: settings.MEMORY_FEEDBACK_STEP, maxWeight: settings.MEMORY_FEEDBACK_MAX_WEIGHT },
        userLocks,
        modelTimeoutMs,
        jobs: queue,
      });
      await built.init();
      return built;
    })();
    engine.catch(() => (engine = undefined));
    return engine;
  };
  const workerLogger = logger.child({ component: "memory-worker" });
  const memoryWorker = new MemoryWorker({
    memory,
    queue,
    logger: workerLogger,
    // An update makes up to four model calls (extraction and reconciliation, each retried once when malformed) and two
    // embedding calls.
    jobTimeoutMs: 6 * modelTimeoutMs,
  });
  let started = false;
  let closing = "";
  const startMemoryWorker = () => {
    if (started) return;
    started = true;
    memoryWorker.start();
  };
  return {
    settings,
    logger,
    chatModel,
    memory,
    memoryWorker,
    startMemoryWorker,
    graphDeps: {
      chatModel,
      memory,
      logger: logger.child({ component: "graph" }),
      worker: memoryWorker,
      memoryUpdateMode: settings.MEMORY_UPDATE_MODE,
      defaults: graphDefaults(settings),
    },
    close: async () => {
      const steps: [string, () => unknown][] = [
        ["the memory updates in hand", () => memoryWorker.close()],
        ["the memory store", async () => (engine ? await engine.catch(() => undefined) : undefined)?.close()],
        ["the update queue", () => queue.close()],
        ["the embedder", () => stopEmbedder?.()],
        ["the user locks", () => userLocks.close()],
      ];
      for (const [name, step] of steps) {
        closing = name;
        await step();
      }
      closing = "";
    },
    closingStep: () => closing,
  };
}
