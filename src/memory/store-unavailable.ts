/**
 * Recognises "the long-term store cannot be reached right now" among errors, so callers can say
 * 503 / "retry" instead of a generic failure. Network errors of the Qdrant client arrive as
 * `fetch failed` with the socket error in `cause`; SQLite reports a locked or missing file by code.
 */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_CANTOPEN",
  "SQLITE_READONLY",
  "SQLITE_FULL",
  "SQLITE_PROTOCOL",
]);
/** Upstream HTTP statuses that mean "the store is there but not serving". */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);
const MAX_CAUSE_DEPTH = 5;

/** The code (e.g. ECONNREFUSED, SQLITE_BUSY) when the error means the store is unreachable. */
export function unreachableStoreCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current; depth++) {
    if (typeof current !== "object") return undefined;
    const e = current as { code?: unknown; status?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === "string" && (UNREACHABLE_CODES.has(e.code) || e.code.startsWith("SQLITE_IOERR"))) {
      return e.code;
    }
    if (typeof e.status === "number" && UNAVAILABLE_STATUSES.has(e.status)) return `HTTP ${e.status}`;
    if (typeof e.message === "string" && /database connection is not open/i.test(e.message)) return "SQLITE_CLOSED";
    current = e.cause;
  }
  return undefined;
}

/** What an operator reads when the store is unreachable: what failed and what to do. */
export function unreachableStoreMessage(code: string): string {
  return (
    `The long-term memory store is unreachable (${code}). Check that it is running and reachable — ` +
    "Qdrant at QDRANT_URL, or the SQLite file in DATA_DIR not locked by another process — then retry."
  );
}
