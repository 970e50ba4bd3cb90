import { isAIMessage, isHumanMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { AddOptions } from "../../memory/api.js";
import { messageText } from "../../models/structured.js";
import type { MemoryJobResult } from "../../memory/queue/worker.js";
import type { GraphDeps } from "../deps.js";
import { resolveRunSettings, threadIdOf } from "../run-settings.js";
import type { ChatStateType, ChatStateUpdate, MemoryUpdateStatus } from "../state.js";

/**
 * After the answer: the turn's memory update goes into the durable queue. Background mode returns
 * at once (the worker stores it after the run); inline mode waits for the job's first outcome.
 * What happened stays in state; a failure is recorded, never a failed turn.
 */
export function makeUpdateMemory(deps: GraphDeps) {
  return async function updateMemory(state: ChatStateType, config: LangGraphRunnableConfig): Promise<ChatStateUpdate> {
    const run = resolveRunSettings(config, deps.defaults);
    const messages = state.messages ?? [];
    const reply = messages.at(-1);
    const userMessage = [...messages].reverse().find((m) => isHumanMessage(m));
    if (!userMessage) return { memoryChanges: [], memoryUpdateStatus: "skipped: no user message" };
    const input = [
      { role: "user" as const, content: state.question ?? messageText(userMessage) },
      ...(reply && isAIMessage(reply) ? [{ role: "assistant" as const, content: messageText(reply) }] : []),
    ];
    const options = {
      userId: run.userId,
      time: (deps.now?.() ?? new Date()).toISOString(),
      threadId: threadIdOf(config),
      sourceId: userMessage.id,
    };
    if (!deps.worker) return updateWithoutQueue(deps, input, options);
    try {
      if (deps.memoryUpdateMode === "inline") {
        const result = await deps.worker.run(input, options);
        return { memoryChanges: result.changes, memoryJobId: result.jobId, memoryUpdateStatus: jobStatus(result) };
      }
      // Durable at once, stored after the run: the answer's stream ends now.
      const { jobId } = await deps.worker.enqueue(input, options);
      return {
        memoryChanges: [],
        memoryJobId: jobId,
        memoryUpdateStatus: "scheduled: stored after the run; the next turn of this thread shows what changed",
      };
    } catch (error) {
      // Invalid input, a closed worker or a queue that cannot be written: the turn still answers.
      const message = (error as Error).message;
      deps.logger.error("updateMemory: the memory update could not be queued", { error: message });
      return { memoryChanges: [], memoryUpdateStatus: `failed: ${message}` };
    }
  };
}

/** A memory update job's outcome, as the turn reports it. */
export function jobStatus(result: MemoryJobResult): MemoryUpdateStatus {
  switch (result.status) {
    case "stored":
      return "ok";
    case "retrying":
      return `retrying: ${result.error} (the update stays queued and is tried again)`;
    case "queued":
      return `queued: ${result.error}`;
    case "dead":
      return `dead: ${result.error} (see: npx memories queue list --state dead)`;
    case "unknown":
      return `unknown: ${result.error}`;
  }
}

/** No queue (graphs built by hand, unit tests): the update runs in the turn, nothing is kept for later. */
async function updateWithoutQueue(
  deps: GraphDeps,
  input: { role: "user" | "assistant"; content: string }[],
  options: AddOptions,
): Promise<ChatStateUpdate> {
  try {
    const result = await (await deps.memory()).add(input, options);
    return { memoryChanges: result.changes, memoryUpdateStatus: "ok" };
  } catch (error) {
    const message = (error as Error).message;
    deps.logger.error("updateMemory failed", { error: message });
    return { memoryChanges: [], memoryUpdateStatus: `failed: ${message}` };
  }
}
