import { isHumanMessage, trimMessages, type BaseMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { messageText } from "../../models/structured.js";
import type { GraphDeps } from "../deps.js";
import { TurnInputError } from "../errors.js";
import { checkMessage, NEEDS_USER_MESSAGE } from "../turn-input.js";
import { resolveRunSettings, threadIdOf } from "../run-settings.js";
import type { ChatStateType, ChatStateUpdate } from "../state.js";
import { estimateTokens } from "../tokens.js";

/**
 * Short-term memory: the new user message, checked, and the last N messages before it that fit
 * the token budget. The checkpointer keeps the whole thread; the model sees only this window.
 */
export function makeLoadHistory(deps: GraphDeps) {
  return async function loadHistory(state: ChatStateType, config: LangGraphRunnableConfig): Promise<ChatStateUpdate> {
    const run = resolveRunSettings(config, deps.defaults);
    const messages = state.messages ?? [];
    const last = messages.at(-1);
    if (!last || !isHumanMessage(last)) {
      throw new TurnInputError(NEEDS_USER_MESSAGE);
    }
    const question = checkMessage(messageText(last), deps.defaults.maxMessageChars);
    return {
      question,
      recentMessages: await recentWindow(messages.slice(0, -1), run.historyWindow, run.historyTokenBudget),
      // Fresh per-turn fields, so a turn never shows the previous turn's results.
      rewrittenQuestion: question,
      rewriteFallback: null,
      memories: [],
      profile: null,
      memoryChanges: [],
      memoryJobId: null,
      previousMemoryUpdate: previousUpdate(deps, config),
    };
  };
}

/**
 * The newest messages, at most `window` of them and within `tokenBudget`, oldest first: LangChain's
 * trimMessages with our tokenizer-free count (about one token per CJK character, see tokens.ts).
 */
export function recentWindow(messages: BaseMessage[], window: number, tokenBudget: number): Promise<BaseMessage[]> {
  return trimMessages(messages.slice(-window), {
    strategy: "last",
    maxTokens: tokenBudget,
    tokenCounter: (picked) => picked.reduce((sum, m) => sum + estimateTokens(messageText(m)), 0),
  });
}

/** What the last background memory update of this thread did (null inline, or before it finished). */
function previousUpdate(deps: GraphDeps, config: LangGraphRunnableConfig): ChatStateUpdate["previousMemoryUpdate"] {
  if (deps.memoryUpdateMode === "inline") return null;
  const last = deps.worker?.lastResultForThread(threadIdOf(config));
  return last
    ? { jobId: last.jobId, status: last.status, changes: last.changes, ...(last.error ? { error: last.error } : {}) }
    : null;
}
