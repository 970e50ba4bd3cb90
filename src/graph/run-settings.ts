import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { validateUserId } from "../memory/validation.js";
import type { ResolvedRunSettings, RunContext } from "./context.js";
import type { GraphDefaults } from "./deps.js";
import { TurnInputError } from "./errors.js";
import { namesOtherUser, OTHER_USER_MESSAGE } from "../auth/claims.js";

/** Reads the run's context, fills defaults, and insists on a user id. */
export function resolveRunSettings(config: LangGraphRunnableConfig, defaults: GraphDefaults): ResolvedRunSettings {
  const context = { ...((config.context ?? {}) as Partial<RunContext>) };
  const signedIn = authenticatedUser(config);
  if (signedIn !== undefined) {
    // Under the dev server with auth on, the signed-in user's memory, and nobody else's.
    if (namesOtherUser(context.userId, signedIn)) throw new TurnInputError(`context.userId: ${OTHER_USER_MESSAGE}`);
    context.userId = signedIn;
  }
  if (context.userId === undefined || context.userId === null || context.userId === "") {
    throw new TurnInputError(
      'No user id: pass it in the run context, e.g. {"context": {"userId": "alice"}} over HTTP or graph.invoke(input, {context: {userId: "alice"}}).',
    );
  }
  let userId: string;
  try {
    userId = validateUserId(context.userId);
  } catch (e) {
    throw new TurnInputError((e as Error).message);
  }
  return {
    userId,
    historyWindow: context.historyWindow ?? defaults.historyWindow,
    historyTokenBudget: context.historyTokenBudget ?? defaults.historyTokenBudget,
    memoryTopK: context.memoryTopK ?? defaults.memoryTopK,
    persona: context.persona?.trim() || defaults.persona,
  };
}

/**
 * The identity LangGraph custom auth put on the run (config.configurable.langgraph_auth_user), when
 * the caller was authenticated. The server sets this after reading the request, so a client cannot
 * forge it; without auth (embedded, terminal, open mode) there is none and the context names the user.
 */
export function authenticatedUser(config: LangGraphRunnableConfig): string | undefined {
  const user = config.configurable?.langgraph_auth_user as { identity?: unknown; is_authenticated?: unknown } | undefined;
  if (!user || user.is_authenticated !== true || typeof user.identity !== "string") return undefined;
  return user.identity;
}

export function threadIdOf(config: LangGraphRunnableConfig): string | undefined {
  return config.configurable?.thread_id as string | undefined;
}
