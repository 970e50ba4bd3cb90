import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "../logger.js";
import type { RunDefaults } from "./context.js";
import type { MemoryEngine } from "../memory/engine.js";
import type { MemoryWorker } from "../memory/queue/worker.js";

/** Defaults for per-run settings (context.ts), and limits, taken from the process settings. */
export interface GraphDefaults extends RunDefaults {
  /** Approximate tokens the user's profile may take in the answer prompt (PROFILE_TOKEN_BUDGET; 0: left out). */
  profileTokenBudget: number;
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
  /**
   * The worker of the durable memory update queue: updateMemory queues every turn's update there.
   * Without one (hand-built graphs, unit tests) the update runs in the turn and is not kept.
   */
  worker?: MemoryWorker;
  /** background (default): queue and return, the update runs after the run; inline: queue and wait for it. */
  memoryUpdateMode?: "background" | "inline";
  now?: () => Date;
}
