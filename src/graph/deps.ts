import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "../logger.js";
import type { MemoryEngine } from "../memory/engine.js";
import type { FileOutbox } from "../memory/outbox.js";
import type { MemoryWorker } from "../memory/worker.js";

/** Defaults for per-run settings, and limits, taken from the process settings. */
export interface GraphDefaults {
  historyWindow: number;
  historyTokenBudget: number;
  memoryTopK: number;
  persona: string;
  maxMessageChars: number;
  /** How long rewriteQuestion may take before the original question is used. */
  rewriteTimeoutMs: number;
}

/**
 * What the nodes need, injected (never taken from config.store: the dev server replaces that).
 * Models and the memory engine are built on first use, so a server with no chat model configured
 * still starts and each run fails with a message that says what to set.
 */
export interface GraphDeps {
  chatModel: () => Promise<BaseChatModel>;
  memory: () => Promise<MemoryEngine>;
  defaults: GraphDefaults;
  logger: Logger;
  /** Where memory updates wait while the store is unreachable; none = the update is only logged. */
  outbox?: FileOutbox;
  /**
   * With a worker, updateMemory queues the turn and returns at once: the memory update happens
   * after the run (MEMORY_UPDATE_MODE=background). Without one it runs inside the run (inline).
   */
  worker?: MemoryWorker;
  now?: () => Date;
}
