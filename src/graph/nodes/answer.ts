import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphDeps } from "../deps.js";
import { profileBlock } from "../profile-block.js";
import { answerSystemPrompt } from "../prompts.js";
import { resolveRunSettings } from "../run-settings.js";
import type { ChatStateType, ChatStateUpdate } from "../state.js";

/**
 * The reply: persona + the user's profile (within its token budget) + long-term memories (as quoted data) + recent turns + the rewritten
 * question. The model call inherits the run's callbacks, so the dev server streams its tokens.
 */
export function makeAnswer(deps: GraphDeps) {
  return async function answer(state: ChatStateType, config: LangGraphRunnableConfig): Promise<ChatStateUpdate> {
    const run = resolveRunSettings(config, deps.defaults);
    const model = await deps.chatModel();
    const today = (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
    const profile = profileBlock(state.profile ?? null, deps.defaults.profileTokenBudget);
    const system = answerSystemPrompt(
      run.persona,
      state.memories ?? [],
      state.retrievalStatus !== "unavailable",
      today,
      profile,
    );
    // The memories in the prompt count as used (reinforcement); recorded in the background, never awaited.
    if (state.memories?.length)
      (await deps.memory()).noteUse(
        state.memories.map((m) => m.id),
        { userId: run.userId },
      );
    const reply = await model.invoke(
      [
        new SystemMessage(system),
        ...(state.recentMessages ?? []),
        new HumanMessage(state.rewrittenQuestion || state.question),
      ],
      config,
    );
    return { messages: [reply] };
  };
}
