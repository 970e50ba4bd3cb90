import { Auth, HTTPException } from "@langchain/langgraph-sdk/auth";
import { TurnInputError } from "../graph/errors.js";
import { checkTurn } from "../graph/turn-input.js";
import { namesOtherUser, OTHER_USER_MESSAGE } from "../memory/claims.js";
import { requestToken, type TokenTable } from "./tokens.js";

/**
 * LangGraph custom auth for `langgraph dev` (langgraph.json "auth"). Two modes:
 *
 * - token mode (AUTH_TOKENS set): every request needs "Authorization: Bearer <token>"; the token's
 *   user is the identity. Threads are stamped with their owner and every thread read, update,
 *   delete, search and run is filtered to the caller's own; a run's `context.userId` is filled in
 *   from the identity, and a run that names another user is refused (403). The memory routes of
 *   src/server take the same identity (src/server/identity.ts).
 * - open mode (AUTH_TOKENS unset): for a server on 127.0.0.1 during development. The caller names
 *   the user; requests addressed to any host other than localhost are refused, so a web page
 *   cannot reach the server through DNS rebinding. This is not a network boundary: never bind the
 *   server to other interfaces in open mode.
 *
 * In both modes a run whose turn would be refused (no or an empty, oversized or malformed user
 * message, no or a bad user id) is refused here, with 400, before the server creates it: the
 * server writes a run's input into its thread before the graph's first node, so a check in the
 * graph alone would leave a refused message in the thread.
 */
export const OWNER_KEY = "owner";
/** Run metadata key with the run's user id; the server passes run metadata on to LangSmith traces. */
const TRACE_USER_KEY = "user_id";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

interface Caller {
  identity: string;
  is_authenticated: boolean;
}

export function createAuth(tokens: TokenTable | undefined, limits: { maxMessageChars: number }) {
  return new Auth()
    .authenticate(async (request: Request) => identifyCaller(request, tokens))
    .on("threads:create", ({ user, value }) => {
      if (!scoped(user)) return;
      value.metadata = stampOwner(value.metadata, user.identity);
      return { [OWNER_KEY]: user.identity };
    })
    .on("threads:create_run", ({ user, value }) => {
      if (!scoped(user)) {
        // Open mode: the context names the user; it still goes on the run's metadata for traces.
        const named = (value.kwargs.context as { userId?: unknown } | undefined)?.userId;
        gateTurn(value.kwargs.input, named, limits);
        if (typeof named === "string") value.metadata = { ...value.metadata, [TRACE_USER_KEY]: named };
        return;
      }
      value.metadata = { ...stampOwner(value.metadata, user.identity), [TRACE_USER_KEY]: user.identity };
      value.kwargs.context = contextFor(value.kwargs.context, user.identity);
      gateTurn(value.kwargs.input, user.identity, limits);
      return { [OWNER_KEY]: user.identity };
    })
    .on(["threads:read", "threads:update", "threads:delete", "threads:search"], ({ user }) => {
      if (!scoped(user)) return;
      return { [OWNER_KEY]: user.identity };
    })
    .on("assistants:create", ({ user, value }) => {
      if (!scoped(user)) return;
      value.metadata = stampOwner(value.metadata, user.identity);
    })
    .on(["assistants:update", "assistants:delete"], ({ user }) => {
      if (!scoped(user)) return;
      // Assistants made by the server (the graph's default one) have no owner: nobody edits them.
      return { [OWNER_KEY]: user.identity };
    })
    .on("crons", ({ user }) => !scoped(user))
    .on("store", ({ user }) => {
      // src/server serves every /store route itself, scoped to the caller; the built-in store
      // (which would hold anything under any namespace) is never reachable for a signed-in user.
      if (scoped(user))
        throw refusal(
          403,
          'The built-in store is not served; long-term memory is under /store with namespace ["memories", <your user id>].',
        );
    });
}

/**
 * Who sends the request: the token's user (token mode), or an anonymous caller of a localhost
 * address (open mode). Throws the refusal (401, 403) otherwise. Shared by the dev server's auth
 * handler and `memories ui`, so both answer alike.
 */
export function identifyCaller(request: Request, tokens: TokenTable | undefined): Caller & { permissions: string[] } {
  if (!tokens) return openModeCaller(request);
  const token = requestToken(request.headers);
  if (!token)
    throw refusal(
      401,
      'Authentication required: send "Authorization: Bearer <token>" or "x-api-key: <token>" (the SDKs\' api_key; tokens are set in AUTH_TOKENS).',
    );
  const user = tokens.userFor(token);
  if (!user) throw refusal(401, "Unknown token: check the token against AUTH_TOKENS.");
  return { identity: user, permissions: [], is_authenticated: true };
}

/** In open mode the caller is anonymous (not authenticated): routes and runs take the user they name. */
function openModeCaller(request: Request): Caller & { permissions: string[] } {
  const host = new URL(request.url).hostname;
  if (!LOOPBACK_HOSTS.has(host)) {
    throw refusal(
      403,
      `Auth is off (AUTH_TOKENS unset), so this server only answers requests addressed to localhost, not "${host}". Set AUTH_TOKENS to serve other hosts.`,
    );
  }
  return { identity: "anonymous", permissions: [], is_authenticated: false };
}

function scoped(user: Caller): boolean {
  return user.is_authenticated === true;
}

function stampOwner(metadata: Record<string, unknown> | null | undefined, identity: string): Record<string, unknown> {
  const owner = metadata?.[OWNER_KEY];
  if (owner !== undefined && owner !== identity) {
    throw refusal(403, `metadata.${OWNER_KEY} is set by the server from your identity; it cannot name another user.`);
  }
  return { ...metadata, [OWNER_KEY]: identity };
}

/** Refuses, with 400 before the run exists, a turn the graph would refuse (graph/turn-input.ts). */
function gateTurn(input: unknown, userId: unknown, limits: { maxMessageChars: number }): void {
  try {
    checkTurn(input, userId, limits);
  } catch (error) {
    if (error instanceof TurnInputError) throw refusal(400, error.message);
    throw error;
  }
}

/** The run context with the caller's user id: filled in when absent, refused when it names someone else. */
function contextFor(context: unknown, identity: string): Record<string, unknown> {
  const ctx = context && typeof context === "object" ? { ...(context as Record<string, unknown>) } : {};
  if (namesOtherUser(ctx.userId, identity)) throw refusal(403, `context.userId: ${OTHER_USER_MESSAGE}`);
  ctx.userId = identity;
  return ctx;
}

const REFUSAL_CODES = { 400: "invalid_input", 401: "unauthorized", 403: "forbidden" } as const;

/**
 * A refusal in the API's error shape, `{"error": code, "message": ...}` as JSON. The server sends
 * an exception from the auth handler as its message text with its headers, so the message is the
 * JSON body itself.
 */
function refusal(status: keyof typeof REFUSAL_CODES, message: string): HTTPException {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="memory-chat"';
  return new HTTPException(status, { message: JSON.stringify({ error: REFUSAL_CODES[status], message }), headers });
}
