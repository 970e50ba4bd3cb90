import type { Context } from "hono";
import { TenantViolationError } from "../memory/filter.js";
import { validateUserId } from "../memory/validation.js";
import { namesOtherUser, OTHER_USER_MESSAGE } from "../memory/claims.js";
import type { ServerEnv } from "./env.js";

/**
 * The one place every memory route learns whose memory it touches. `claimed` is the user id the
 * request names (query, body or path). Without authentication it is the answer, once validated.
 * With LangGraph custom auth the authenticated identity wins: a request that names a different
 * user is refused (403), never silently redirected.
 */
export function requestUserId(c: Context<ServerEnv>, claimed: unknown): string {
  const identity = authenticatedIdentity(c);
  if (identity === undefined) return validateUserId(claimed);
  if (namesOtherUser(claimed, identity)) throw new TenantViolationError(OTHER_USER_MESSAGE);
  return validateUserId(identity);
}

/** The authenticated user id, or undefined when the server runs without custom auth. */
export function authenticatedIdentity(c: Context<ServerEnv>): string | undefined {
  const user = c.get("auth")?.user;
  if (!user || user.is_authenticated === false || typeof user.identity !== "string") return undefined;
  return user.identity;
}
