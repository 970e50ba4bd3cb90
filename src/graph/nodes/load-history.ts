import { isHumanMessage, trimMessages, type BaseMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { messageText } from "../../memory/structured.js";
import { hasLoneSurrogate } from "../../memory/validation.js";
import type { GraphDeps } from "../deps.js";
import { TurnInputError } from "../errors.js";
import { resolveRunSettings, threadIdOf } from "../run-settings.js";
import type { ChatStateType, ChatStateUpdate } from "../state.js";
import { estimateTokens } from "../tokens.js";

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

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
      throw new TurnInputError(
        'A turn needs a new user message: send {"messages": [{"role": "user", "content": "..."}]}.',
      );
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

export function checkMessage(text: string, maxChars: number): string {
  const trimmed = text.trim();
  if (!trimmed) throw new TurnInputError("The message is empty: type something to send.");
  if (trimmed.length > maxChars) {
    throw new TurnInputError(
      `The message has ${trimmed.length} characters; the limit is ${maxChars} (MAX_MESSAGE_CHARS). Split it or raise the limit.`,
    );
  }
  if (hasLoneSurrogate(trimmed)) throw new TurnInputError("The message contains invalid Unicode (a lone surrogate).");
  if (CONTROL_CHARS.test(trimmed))
    throw new TurnInputError("The message contains control characters; remove them and resend.");
  return trimmed;
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
