/**
 * One way to talk to Qdrant: the client is built here, every call goes through `QdrantCaller`,
 * which retries transient failures with exponential backoff and turns the rest into errors that
 * say what went wrong and what to do.
 */
import { QdrantClient } from "@qdrant/js-client-rest";

export interface QdrantConnection {
  url: string;
  apiKey?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export function createQdrantClient({ url, apiKey, timeoutMs = 30_000 }: QdrantConnection): QdrantClient {
  // No compatibility check: it would call the server while the graph module loads.
  return new QdrantClient({
    url,
    apiKey,
    timeout: timeoutMs,
    checkCompatibility: false,
    headers: isLoopback(url) ? { connection: "close" } : undefined,
  });
}

/**
 * On a reused keep-alive connection to a Qdrant on this machine, about half the requests of this
 * client stalled for ~40 ms (a TCP delayed-ACK pattern; measured: a 1k-point hybrid query 48-57 ms
 * with keep-alive, 9-14 ms with a fresh connection per request). A loopback connection costs a
 * fraction of a millisecond, so local servers get one per request; remote servers (TLS, real
 * round trips) keep their connections.
 */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false; // the client reports a bad URL itself, on first use
  }
  return host === "localhost" || host === "[::1]" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** A few short tries: enough to ride out a restart blip or a busy node, short enough to fail fast. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Qdrant did not answer at all (refused, reset, name not resolved). */
export class QdrantUnavailableError extends Error {
  constructor(
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(
      `QDRANT_URL is set but Qdrant at ${url} did not answer: start it, or unset QDRANT_URL to use the embedded store`,
      options,
    );
    this.name = "QdrantUnavailableError";
  }
}

/** Qdrant answered with an error. */
export class QdrantRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "QdrantRequestError";
  }
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** The socket-level error code in an error's cause chain, if any. */
function networkCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    const nested = (e as { errors?: unknown[] }).errors; // AggregateError: IPv4 and IPv6 both refused
    if (Array.isArray(nested)) {
      const found = nested.map(networkCode).find(Boolean);
      if (found) return found;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** HTTP status of a failed call (the client reports it in several shapes). */
export function httpStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown })?.status;
  if (typeof status === "number") return status;
  if (err instanceof Error && err.name === "QdrantClientResourceExhaustedError") return 429;
  const m = err instanceof Error ? /^Unexpected Response: (\d{3})/.exec(err.message) : null;
  return m ? Number(m[1]) : undefined;
}

export function isUnreachable(err: unknown): boolean {
  return networkCode(err) !== undefined;
}

export function isTransient(err: unknown): boolean {
  if (isUnreachable(err)) return true;
  const status = httpStatus(err);
  return status !== undefined && (status === 429 || status >= 500);
}

/** Qdrant's own words for a rejected request ("Wrong input: ..."), when it gave them. */
function serverMessage(err: unknown): string {
  const data = (err as { data?: { status?: { error?: unknown } } })?.data;
  const detail = data?.status?.error;
  if (typeof detail === "string") return detail;
  return err instanceof Error ? err.message : String(err);
}

function backoffDelay(policy: RetryPolicy, attempt: number, err: unknown): number {
  const retryAfterS = (err as { retry_after?: unknown })?.retry_after;
  if (typeof retryAfterS === "number" && retryAfterS > 0) return Math.min(retryAfterS * 1000, policy.maxDelayMs);
  const exp = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return exp / 2 + Math.random() * (exp / 2); // jitter, so retrying writers do not march in step
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs calls against one Qdrant server with retries and readable errors. */
export class QdrantCaller {
  constructor(
    readonly client: QdrantClient,
    readonly url: string,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /**
   * Every operation this module sends is idempotent (deterministic point ids, deletes by id or
   * filter), so a call that failed half-way may safely be sent again.
   */
  async call<T>(what: string, fn: (client: QdrantClient) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(this.client);
      } catch (err) {
        if (isTransient(err) && attempt + 1 < this.policy.attempts) {
          await sleep(backoffDelay(this.policy, attempt, err));
          continue;
        }
        throw this.explain(what, err);
      }
    }
  }

  private explain(what: string, err: unknown): Error {
    if (err instanceof QdrantUnavailableError || err instanceof QdrantRequestError) return err;
    if (isUnreachable(err)) return new QdrantUnavailableError(this.url, { cause: err });
    const status = httpStatus(err);
    const how = status === undefined ? "failed" : `was rejected (HTTP ${status})`;
    return new QdrantRequestError(`Qdrant at ${this.url}: ${what} ${how}: ${serverMessage(err)}`, status, {
      cause: err,
    });
  }
}
