import { isAIMessage, isHumanMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { AddOptions, ChatTurnMessage } from "../../memory/api.js";
import { messageText } from "../../memory/structured.js";
import type { GraphDeps } from "../deps.js";
import { TenantViolationError } from "../../memory/filter.js";
import { InvalidInputError } from "../../memory/validation.js";
import { resolveRunSettings, threadIdOf } from "../run-settings.js";
import type { ChatStateType, ChatStateUpdate } from "../state.js";

/**
 * After the answer: the engine extracts the turn's durable facts about the user and reconciles
 * them with what is stored. What it did stays in state; a failure is recorded, never a failed turn.
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
    if (deps.worker) {
      try {
        // Durable at once (fsynced), stored after the run: the answer's stream ends now.
        const { jobId } = deps.worker.enqueue(input, options);
        return { memoryChanges: [], memoryJobId: jobId, memoryUpdateStatus: "scheduled: stored after the run; the next turn of this thread shows what changed" };
      } catch (error) {
        // Invalid input, a closed worker or an outbox that cannot be written: the turn still answers.
        const message = (error as Error).message;
        deps.logger.error("updateMemory: the memory update could not be queued", { error: message });
        return { memoryChanges: [], memoryUpdateStatus: `failed: ${message}` };
      }
    }
    // Written ahead: a process killed during the update leaves it queued for the next replay.
    const ahead = writeAhead(deps, input, options);
    try {
      const engine = await deps.memory();
      // Updates queued while the store was down go first, so facts keep their order.
      if (deps.outbox?.size) await deps.outbox.replay(engine);
      const result = await engine.add(input, options);
      if (ahead) settle(deps, ahead, "remove");
      const status = result.pending ? `pending: ${result.pending.error}` : "ok";
      return { memoryChanges: result.changes, memoryUpdateStatus: status };
    } catch (error) {
      const message = (error as Error).message;
      if (deps.outbox && !isInputError(error)) {
        if (ahead) settle(deps, ahead, "keep", message);
        else deps.outbox.append(input, options, message);
        deps.logger.warn("updateMemory: store unreachable, update queued in the outbox", { error: message });
        return { memoryChanges: [], memoryUpdateStatus: `queued: long-term memory unreachable (${message}); the update will be replayed` };
      }
      if (ahead) settle(deps, ahead, "remove");
      deps.logger.error("updateMemory failed", { error: message });
      return { memoryChanges: [], memoryUpdateStatus: `failed: ${message}` };
    }
  };
}

/** The outbox entry id of the update written ahead, or undefined (no outbox, or it failed). */
function writeAhead(deps: GraphDeps, input: ChatTurnMessage[], options: AddOptions): string | undefined {
  if (!deps.outbox) return undefined;
  try {
    return deps.outbox.writeAhead(input, options).id;
  } catch (error) {
    // Invalid input: engine.add refuses it next and the turn reports that.
    if (isInputError(error)) return undefined;
    // The outbox file cannot be written (disk full, lock held): the update is still tried now.
    deps.logger.warn("updateMemory: could not write the update ahead to the outbox", { error: (error as Error).message });
    return undefined;
  }
}

/** Errors that replaying would only repeat: the input itself is wrong. */
function isInputError(error: unknown): boolean {
  return error instanceof InvalidInputError || error instanceof TenantViolationError;
}

function settle(deps: GraphDeps, id: string, outcome: "remove" | "keep", error?: string): void {
  try {
    deps.outbox?.done(id, outcome, error);
  } catch (error) {
    // Left in the outbox: a later replay finds the update already stored and adds nothing.
    deps.logger.warn("updateMemory: could not clear the written-ahead update from the outbox", { error: (error as Error).message });
  }
}
