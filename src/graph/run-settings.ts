import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { validateUserId } from "../memory/validation.js";
import { contextSchema, type ResolvedRunSettings, type RunDefaults } from "./context.js";
import type { GraphDefaults } from "./deps.js";
import { TurnInputError } from "./errors.js";
import { namesOtherUser, OTHER_USER_MESSAGE } from "../auth/claims.js";

/** One schema per set of defaults: the nodes of a graph share theirs. */
const schemas = new WeakMap<RunDefaults, ReturnType<typeof contextSchema>>();

/** Reads the run's context through the context schema (defaults filled, values checked), and insists on a user id. */
export function resolveRunSettings(config: LangGraphRunnableConfig, defaults: GraphDefaults): ResolvedRunSettings {
  let schema = schemas.get(defaults);
  if (!schema) schemas.set(defaults, (schema = contextSchema(defaults)));
  // LangGraph has checked the context against the same schema before the first node (a bad value
  // fails the run naming its key); this parse fills the defaults.
  const parsed = schema.safeParse(config.context ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) =>
      i.path.length ? `context.${i.path.join(".")}: ${i.message}` : i.message,
    );
    throw new TurnInputError(`Invalid run context: ${problems.join("; ")}`);
  }
  const context = parsed.data;
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
  return { ...context, userId };
}

/**
 * The identity LangGraph custom auth put on the run (config.configurable.langgraph_auth_user), when
 * the caller was authenticated. The server sets this after reading the request, so a client cannot
 * forge it; without auth (embedded, terminal, open mode) there is none and the context names the user.
 */
export function authenticatedUser(config: LangGraphRunnableConfig): string | undefined {
  const user = config.configurable?.langgraph_auth_user as
    { identity?: unknown; is_authenticated?: unknown } | undefined;
  if (!user || user.is_authenticated !== true || typeof user.identity !== "string") return undefined;
  return user.identity;
}

export function threadIdOf(config: LangGraphRunnableConfig): string | undefined {
  return config.configurable?.thread_id as string | undefined;
}
