import type { Logger } from "../logger.js";
import type { MemoryEngine } from "../memory/engine.js";
import type { MemoryWorker } from "../memory/queue/worker.js";

/** What the HTTP routes need; the entry that mounts them decides where the engine comes from. */
export interface AppDeps {
  /** The memory engine the graph uses (one engine and store connection per process). */
  memory: () => Promise<MemoryEngine>;
  logger: Logger;
  /** The memory update queue's worker (the /queue/jobs routes); none = those routes answer 503. */
  worker?: QueueControl;
  /** Longest memory text or message accepted (MAX_MESSAGE_CHARS). */
  maxTextChars: number;
}

/**
 * What the /queue/jobs routes do with the queue: a MemoryWorker (which also runs what it retries
 * at once), or the queue alone for a process that runs no jobs (`memories ui`), whose retried jobs
 * the next worker that looks stores.
 */
export type QueueControl = Pick<MemoryWorker, "queue" | "retry" | "drop">;
