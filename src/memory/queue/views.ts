import type { MemoryJob } from "./types.js";

/** A job as the queue commands and routes show it: no message text, only its size and the reason. */
export function jobView(job: MemoryJob) {
  return {
    id: job.id,
    userId: job.userId,
    kind: job.payload.kind ?? ("memory update" as const),
    state: job.state,
    attempts: job.attempts,
    nextAttemptAt: job.nextAttemptAt,
    lastError: job.lastError,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    threadId: job.payload.options.threadId ?? null,
    sourceId: job.payload.options.sourceId ?? null,
    messages: job.payload.input.length,
    changes: job.changes,
  };
}
