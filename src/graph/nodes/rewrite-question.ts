import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { messageText } from "../../memory/structured.js";
import type { GraphDeps } from "../deps.js";
import { REWRITE_SYSTEM, rewritePrompt } from "../prompts.js";
import type { ChatStateType, ChatStateUpdate } from "../state.js";
import { untilAborted } from "../../util/abort.js";
import { implausibleRewrite } from "../rewrite-guard.js";

/** Internal model calls are kept out of the token stream the user sees. */
export const NO_STREAM = { tags: ["langsmith:nostream"] };

/**
 * Makes the question self-contained from recent turns ("and the second one?" → "what is the
 * second design pattern in the list?"). No history: skipped. Error, timeout, an empty or an
 * implausible answer (rewrite-guard.ts): the original question is used and the reason is kept in
 * state; the turn never fails here.
 */
export function makeRewriteQuestion(deps: GraphDeps) {
  return async function rewriteQuestion(
    state: ChatStateType,
    config: LangGraphRunnableConfig,
  ): Promise<ChatStateUpdate> {
    if (!state.recentMessages?.length) {
      return { rewrittenQuestion: state.question, rewriteFallback: null };
    }
    const transcript = state.recentMessages
      .map((m) => `${m.getType() === "human" ? "User" : "Assistant"}: ${messageText(m)}`)
      .join("\n");
    try {
      const model = await deps.chatModel();
      const signal = AbortSignal.any([
        AbortSignal.timeout(deps.defaults.rewriteTimeoutMs),
        ...(config.signal ? [config.signal] : []),
      ]);
      const reply = await untilAborted(
        model.invoke([new SystemMessage(REWRITE_SYSTEM), new HumanMessage(rewritePrompt(transcript, state.question))], {
          ...NO_STREAM,
          signal,
        }),
        signal,
      );
      const rewritten = messageText(reply)
        .trim()
        .replace(/^["“]|["”]$/g, "");
      if (!rewritten) return { rewrittenQuestion: state.question, rewriteFallback: "empty rewrite" };
      const implausible = implausibleRewrite(state.question, rewritten);
      if (implausible) {
        // A rambling rewrite is what a small model often gives, not a fault: info, not a warning
        // on the chat's screen; the reason stays in state (rewriteFallback).
        deps.logger.info("rewriteQuestion fell back to the original question", { reason: implausible });
        return { rewrittenQuestion: state.question, rewriteFallback: implausible };
      }
      return { rewrittenQuestion: rewritten, rewriteFallback: null };
    } catch (error) {
      if (config.signal?.aborted) throw error;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      deps.logger.warn("rewriteQuestion fell back to the original question", { reason });
      return { rewrittenQuestion: state.question, rewriteFallback: reason };
    }
  };
}
