/**
 * One way to talk to Qdrant: the client is built here, every call goes through `QdrantCaller`,
 * which retries transient failures with exponential backoff and turns the rest into errors that
 * say what went wrong and what to do.
 */
import pRetry from "p-retry";
import { QdrantClient } from "@qdrant/js-client-rest";
import { DEFAULT_QDRANT_TIMEOUT_S } from "../../config/settings.js";
import { StoreUnavailableError } from "../../memory/store.js";
import { AppError } from "../../util/errors.js";
import { connectionFailureCode, findErrorCode } from "../../util/network.js";

interface QdrantConnection {
  url: string;
  apiKey?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
}

/** Per-request timeout unless the caller sets one (QDRANT_TIMEOUT_S's default). */
const DEFAULT_TIMEOUT_MS = DEFAULT_QDRANT_TIMEOUT_S * 1000;

export function createQdrantClient({ url, apiKey, timeoutMs = DEFAULT_TIMEOUT_MS }: QdrantConnection): QdrantClient {
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
const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * Qdrant cannot be reached: it did not answer at all (refused, reset, name not resolved, no reply
 * within the timeout), or a proxy in front of it answered that it is not serving (HTTP 502-504).
 */
export class QdrantUnavailableError extends StoreUnavailableError {
  /** The status of a "not serving" answer; undefined when nothing answered. */
  readonly status?: number;

  constructor(
    readonly url: string,
    options: { code?: string; status?: number; cause?: unknown; withinMs?: number } = {},
  ) {
    const reason = options.status ? `HTTP ${options.status}` : (options.code ?? "no answer");
    const within = options.withinMs === undefined ? "" : ` within ${options.withinMs / 1000} s`;
    const what = options.status ? `is not serving (${reason})` : `did not answer${within}`;
    super(`QDRANT_URL is set but Qdrant at ${url} ${what}: start it, or unset QDRANT_URL to use the embedded store`, {
      reason,
      remedy: "Check that Qdrant at QDRANT_URL is running and reachable",
      cause: options.cause,
    });
    this.status = options.status;
  }
}

/** Qdrant answered with an error. */
export class QdrantRequestError extends AppError {
  readonly code = "store_request_failed";
  override readonly retryable: boolean;
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    // Qdrant busy, failing or in conflict (5xx, 429, 408, 409) may answer later; a request it
    // refused (other 4xx) never will.
    this.retryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  }
}

/** Statuses of a proxy or gateway in front of Qdrant that cannot reach it (or Qdrant not ready). */
const NOT_SERVING = new Set([502, 503, 504]);

/** HTTP status of a failed call (the client reports it in several shapes). */
function httpStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown })?.status;
  if (typeof status === "number") return status;
  if (err instanceof Error && err.name === "QdrantClientResourceExhaustedError") return 429;
  const m = err instanceof Error ? /^Unexpected Response: (\d{3})/.exec(err.message) : null;
  return m ? Number(m[1]) : undefined;
}

function isUnreachable(err: unknown): boolean {
  return connectionFailureCode(err) !== undefined;
}

/** The request got no reply within the client's timeout (e.g. a frozen or overloaded server). */
function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === "QdrantClientTimeoutError";
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** After Qdrant did not answer, calls fail at once for this long; then one quick probe decides. */
export const FAIL_FAST_MS = 1_000;
/** How long the probe waits for any HTTP answer from the server. */
const PROBE_TIMEOUT_MS = 1_000;

/** Runs calls against one Qdrant server with retries and readable errors. */
export class QdrantCaller {
  /**
   * The last time Qdrant did not answer (a call, after its retries, or a probe), with that error.
   * While set, a call first checks that the server answers at all, so a turn made while Qdrant
   * is down or frozen fails in about a second instead of waiting out every request's timeout.
   */
  private missed?: { at: number; error: QdrantUnavailableError };

  constructor(
    readonly client: QdrantClient,
    readonly url: string,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
    private readonly apiKey?: string,
  ) {}

  /** A caller with a client of its own, for a store's connection settings. */
  static connect(options: QdrantConnection & { retry?: RetryPolicy }): QdrantCaller {
    return new QdrantCaller(createQdrantClient(options), options.url, options.retry, options.timeoutMs, options.apiKey);
  }

  /**
   * Every operation this module sends is idempotent (deterministic point ids, deletes by id or
   * filter), so a call that failed half-way may safely be sent again.
   */
  async call<T>(what: string, fn: (client: QdrantClient) => Promise<T>): Promise<T> {
    await this.checkAnswering();
    try {
      const result = await pRetry(() => fn(this.client), {
        retries: this.policy.attempts - 1,
        // Doubling from base/2..base (p-retry's jitter multiplies by 1 to 2), so retrying writers
        // do not march in step.
        factor: 2,
        minTimeout: this.policy.baseDelayMs / 2,
        maxTimeout: this.policy.maxDelayMs,
        randomize: true,
        shouldRetry: ({ error }) => isTransient(error),
        // A Retry-After Qdrant sends (429) is waited for on top of the backoff.
        onFailedAttempt: async ({ error, retriesLeft }) => {
          const retryAfterS = (error as { retry_after?: unknown }).retry_after;
          if (retriesLeft > 0 && typeof retryAfterS === "number" && retryAfterS > 0) {
            await sleep(Math.min(retryAfterS * 1000, this.policy.maxDelayMs));
          }
        },
      });
      this.missed = undefined;
      return result;
    } catch (err) {
      const explained = this.explain(what, err);
      // Silence, not a "not serving" answer, makes the next calls fail fast.
      if (explained instanceof QdrantUnavailableError && explained.status === undefined) {
        this.missed = { at: Date.now(), error: explained };
      }
      throw explained;
    }
  }

  /** Throws at once while Qdrant is known not to answer; probes it (quickly) once that is stale. */
  private async checkAnswering(): Promise<void> {
    const missed = this.missed;
    if (!missed) return;
    if (Date.now() - missed.at >= FAIL_FAST_MS) {
      if (await this.answers()) {
        this.missed = undefined;
        return;
      }
      missed.at = Date.now();
    }
    throw new QdrantUnavailableError(this.url, { code: missed.error.reason, cause: missed.error.cause });
  }

  /** Whether the server sends any HTTP answer (whatever its status) within PROBE_TIMEOUT_MS. */
  private async answers(): Promise<boolean> {
    try {
      const response = await fetch(this.url, {
        headers: this.apiKey ? { "api-key": this.apiKey } : undefined,
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      await response.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }

  /** The failure in the product's terms: Qdrant unavailable (network, timeout, 502-504) or a request it refused. */
  private explain(what: string, err: unknown): Error {
    if (err instanceof QdrantUnavailableError || err instanceof QdrantRequestError) return err;
    const refused = connectionFailureCode(err);
    if (refused) return new QdrantUnavailableError(this.url, { code: refused, cause: err });
    if (isTimeout(err) || findErrorCode(err, (code) => code === "ETIMEDOUT")) {
      const cause = new Error(`Qdrant at ${this.url}: ${what} got no reply within ${this.timeoutMs} ms`, {
        cause: err,
      });
      return new QdrantUnavailableError(this.url, { code: "ETIMEDOUT", cause, withinMs: this.timeoutMs });
    }
    const status = httpStatus(err);
    if (status !== undefined && NOT_SERVING.has(status)) {
      return new QdrantUnavailableError(this.url, { status, cause: err });
    }
    const how = status === undefined ? "failed" : `was rejected (HTTP ${status})`;
    return new QdrantRequestError(`Qdrant at ${this.url}: ${what} ${how}: ${serverMessage(err)}`, status, {
      cause: err,
    });
  }
}
