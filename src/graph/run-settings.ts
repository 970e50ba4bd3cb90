import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { validateUserId } from "../memory/validation.js";
import type { ResolvedRunSettings, RunContext } from "./context.js";
import type { GraphDefaults } from "./deps.js";
import { TurnInputError } from "./errors.js";

/** Reads the run's context, fills defaults, and insists on a user id. */
export function resolveRunSettings(config: LangGraphRunnableConfig, defaults: GraphDefaults): ResolvedRunSettings {
  const context = (config.context ?? {}) as Partial<RunContext>;
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

export function threadIdOf(config: LangGraphRunnableConfig): string | undefined {
  return config.configurable?.thread_id as string | undefined;
}
