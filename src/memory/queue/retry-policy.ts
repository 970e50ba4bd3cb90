/**
 * The one retry policy of memory updates. Every failure is classified once: transient failures
 * (store unreachable, timeouts, rate limits and 5xx from a model) are retried with exponential
 * backoff and jitter for as long as they last; permanent ones (invalid input, a dimension
 * mismatch, a 4xx other than 429, model output that stays malformed) go to `dead` at once or
 * after a small cap, so they never hold up later updates.
 */
import { redactQuoted } from "../../logger.js";
import { MalformedOutputError } from "../../models/structured.js";
import { AppError } from "../../util/errors.js";
import { connectionFailureCode, findErrorCode } from "../../util/network.js";

export interface FailureClass {
  kind: "transient" | "permanent";
  /** How many tries the job gets in all for this kind of failure (Infinity: until it clears). */
  maxAttempts: number;
  /** The error in words, redacted as the logger redacts (no quoted user text). */
  reason: string;
}

/** Tries for model output that stays malformed: the model may do better on another try. */
export const MALFORMED_OUTPUT_ATTEMPTS = 3;
/** A job whose worker died (or stalled past its lease) this many times is given up on, by either queue. */
export const MAX_LOST_RUNS = 3;
/** Tries for a failure nobody classified: not forever, since it may never clear. */
const UNKNOWN_FAILURE_ATTEMPTS = 3;

const TRANSIENT = (reason: string): FailureClass => ({ kind: "transient", maxAttempts: Infinity, reason });
const PERMANENT = (reason: string, maxAttempts = 1): FailureClass => ({ kind: "permanent", maxAttempts, reason });

export function classifyFailure(error: unknown): FailureClass {
  const reason = describe(error);
  // The model may do better on another try, but not forever.
  if (error instanceof MalformedOutputError) return PERMANENT(reason, MALFORMED_OUTPUT_ATTEMPTS);
  // The product's own errors say themselves whether they may clear (util/errors.ts): a chat model
  // still loading or a store that is down (every backend reports that as StoreUnavailableError)
  // do; bad input, another user's data, a wrong vector size do not.
  if (error instanceof AppError) return error.retryable ? TRANSIENT(reason) : PERMANENT(reason);
  if (isTimeout(error)) return TRANSIENT(reason);
  // A model server (or anything else reached over a socket) that refused or dropped the connection.
  if (connectionFailureCode(error)) return TRANSIENT(reason);
  const status = httpStatus(error);
  if (status !== undefined) {
    if (status === 408 || status === 409 || status === 429 || status >= 500) return TRANSIENT(reason);
    if (status >= 400) return PERMANENT(reason);
  }
  if (isConnectionError(error)) return TRANSIENT(reason);
  return PERMANENT(reason, UNKNOWN_FAILURE_ATTEMPTS);
}

interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

/** Wait before try `attempts + 1`: doubling from baseMs up to maxMs, with "full jitter" on the upper half. */
export function backoffMs(attempts: number, o: BackoffOptions): number {
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * (o.random ?? Math.random)());
}

function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.message}` : String(error);
  return redactQuoted(message).slice(0, 500);
}

function isTimeout(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  if (!e || typeof e !== "object") return false;
  if (e.name === "TimeoutError" || e.name === "AbortError" || e.name === "APIConnectionTimeoutError") return true;
  return (
    e.code === "ABORT_ERR" ||
    findErrorCode(error, (code) => code === "ETIMEDOUT") !== undefined ||
    (typeof e.message === "string" && /timed? ?out|aborted/i.test(e.message))
  );
}

function httpStatus(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const e = current as { status?: unknown; response?: { status?: unknown }; cause?: unknown };
    if (typeof e.status === "number") return e.status;
    if (typeof e.response?.status === "number") return e.response.status;
    current = e.cause;
  }
  return undefined;
}

function isConnectionError(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown } | undefined;
  return (
    e?.name === "APIConnectionError" ||
    (typeof e?.message === "string" && /fetch failed|connection error|socket hang up/i.test(e.message))
  );
}
