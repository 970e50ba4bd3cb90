/**
 * When PostgreSQL (DATABASE_URL) cannot be reached, in its client's and server's words: a
 * connection refused, reset or timed out, a server shutting down or not yet accepting
 * connections, a connection that ended mid-query. Those failures leave the PostgreSQL backend as
 * StoreUnavailableError; any other error (bad SQL, a constraint) leaves as it is.
 */
import { StoreUnavailableError } from "../../memory/store.js";
import { connectionFailureCode, findErrorCode } from "../../util/network.js";

/** SQLSTATEs of a server that is going away or not there yet: admin/crash shutdown, cannot connect now. */
const SHUTTING_DOWN = new Set(["57P01", "57P02", "57P03"]);
/** pg reports a connection it lost, or never got from the pool in time, without a code. */
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable/i;

/**
 * The code (ECONNREFUSED, a SQLSTATE of class 08 "connection exception" or 57P0x, CONNECTION_LOST)
 * when the error means PostgreSQL cannot be reached right now.
 */
export function postgresUnavailableCode(error: unknown): string | undefined {
  const code =
    connectionFailureCode(error) ??
    findErrorCode(error, (c) => c === "ETIMEDOUT" || /^08[0-9A-Z]{3}$/.test(c) || SHUTTING_DOWN.has(c));
  if (code) return code;
  return error instanceof Error && LOST_CONNECTION.test(error.message) ? "CONNECTION_LOST" : undefined;
}

/** The server part of DATABASE_URL, for messages (never the password). */
function describeServer(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "(DATABASE_URL is not a URL)";
  }
}

/** What to tell the user when PostgreSQL does not answer: `fallback` is what unsetting DATABASE_URL keeps where. */
export function unreachableMessage(url: string, error: unknown, fallback: string): string {
  return `DATABASE_URL is set but PostgreSQL at ${describeServer(url)} did not accept the connection (${(error as Error).message}): start it, or unset DATABASE_URL to keep ${fallback}`;
}

/** PostgreSQL at DATABASE_URL cannot be reached. */
export class PostgresUnavailableError extends StoreUnavailableError {
  constructor(url: string, reason: string, options: { cause: unknown; fallback: string }) {
    super(unreachableMessage(url, options.cause, options.fallback), {
      reason,
      remedy: "Check that PostgreSQL at DATABASE_URL is running and accepts connections",
      cause: options.cause,
    });
  }
}

/** The error a PostgreSQL store throws for `error`: PostgresUnavailableError or `error` itself. */
export function postgresFailure(url: string, error: unknown, fallback: string): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const reason = postgresUnavailableCode(error);
  return reason ? new PostgresUnavailableError(url, reason, { cause: error, fallback }) : error;
}
