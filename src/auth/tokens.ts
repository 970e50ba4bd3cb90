import { createHash, timingSafeEqual } from "node:crypto";
import { validateUserId } from "../memory/validation.js";
import { AppError } from "../util/errors.js";

/**
 * Static bearer tokens, one per user (the dev server's token mode): AUTH_TOKENS =
 * "alice:token1,bob:token2". Tokens are compared as SHA-256 digests in constant time, so neither
 * a token's length nor its first wrong character shows in the response time.
 */
const MIN_TOKEN_LENGTH = 16;

export class AuthConfigError extends AppError {
  readonly code = "invalid_settings";
  constructor(message: string) {
    super(`AUTH_TOKENS: ${message}`);
  }
}

export interface TokenTable {
  /** The user a presented token belongs to, or undefined. */
  userFor(token: string): string | undefined;
  readonly users: string[];
}

export function parseTokens(spec: string): TokenTable {
  const entries: { user: string; digest: Buffer }[] = [];
  for (const raw of spec.split(",")) {
    const pair = raw.trim();
    if (!pair) continue;
    const colon = pair.lastIndexOf(":");
    if (colon <= 0 || colon === pair.length - 1) {
      throw new AuthConfigError(
        `"${pair.slice(0, 40)}" is not "user:token"; write AUTH_TOKENS as "alice:token1,bob:token2".`,
      );
    }
    const user = pair.slice(0, colon).trim();
    const token = pair.slice(colon + 1).trim();
    try {
      validateUserId(user);
    } catch (error) {
      throw new AuthConfigError(`user "${user.slice(0, 40)}": ${(error as Error).message}`);
    }
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new AuthConfigError(
        `the token of "${user}" has ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} (e.g. from \`openssl rand -hex 16\`).`,
      );
    }
    const digest = sha256(token);
    if (entries.some((e) => timingSafeEqual(e.digest, digest))) {
      throw new AuthConfigError(
        `two users share one token ("${user}" and another); give each user a token of their own.`,
      );
    }
    entries.push({ user, digest });
  }
  if (entries.length === 0) throw new AuthConfigError('no "user:token" pair found; unset it to turn auth off.');
  return {
    users: entries.map((e) => e.user),
    userFor(token: string) {
      const digest = sha256(token);
      let found: string | undefined;
      // Compare against every entry, so the time taken does not depend on which one matches.
      for (const entry of entries) if (timingSafeEqual(entry.digest, digest)) found = entry.user;
      return found;
    },
  };
}

/**
 * The token a request carries: "Authorization: Bearer <token>", or "x-api-key: <token>", the
 * header the LangGraph SDKs send for their `api_key` (get_client(url, api_key=...)).
 */
export function requestToken(headers: Headers): string | undefined {
  return bearerToken(headers.get("authorization")) ?? (headers.get("x-api-key")?.trim() || undefined);
}

/** The token of an "Authorization: Bearer <token>" header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
