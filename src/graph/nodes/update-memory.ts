import { isAIMessage, isHumanMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { messageText } from "../../memory/structured.js";
import type { GraphDeps } from "../deps.js";
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
    try {
      const engine = await deps.memory();
      const result = await engine.add(
        [
          { role: "user", content: state.question ?? messageText(userMessage) },
          ...(reply && isAIMessage(reply) ? [{ role: "assistant" as const, content: messageText(reply) }] : []),
        ],
        {
          userId: run.userId,
          time: (deps.now?.() ?? new Date()).toISOString(),
          threadId: threadIdOf(config),
          sourceId: userMessage.id,
        },
      );
      const status = result.pending ? `pending: ${result.pending.error}` : "ok";
      return { memoryChanges: result.changes, memoryUpdateStatus: status };
    } catch (error) {
      deps.logger.error("updateMemory failed", { error: (error as Error).message });
      return { memoryChanges: [], memoryUpdateStatus: `failed: ${(error as Error).message}` };
    }
  };
}
