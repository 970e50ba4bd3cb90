/**
 * Codes Node (net, dns) and undici give a connection that could not be made or broke off. Which of
 * them mean "a store is down" is each backend's call (stores/qdrant, stores/postgres); the update
 * queue's retry policy reads them for everything else reached over a socket (the model servers).
 */
const CONNECTION_FAILURE_CODES = new Set([
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

/** How deep a cause chain is followed: clients wrap the socket's error once or twice ("fetch failed"). */
const MAX_DEPTH = 6;

/**
 * The first `code` in an error's cause chain that `matches`, also inside an AggregateError (a host
 * whose IPv4 and IPv6 addresses both refused).
 */
export function findErrorCode(error: unknown, matches: (code: string) => boolean, depth = 0): string | undefined {
  for (let e = error; e && typeof e === "object" && depth < MAX_DEPTH; depth++) {
    const { code, errors, cause } = e as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === "string" && matches(code)) return code;
    if (Array.isArray(errors)) {
      const found = errors.map((inner) => findErrorCode(inner, matches, depth + 1)).find(Boolean);
      if (found) return found;
    }
    e = cause;
  }
  return undefined;
}

/** The connection failure (ECONNREFUSED, ENOTFOUND, ...) in an error's cause chain, if any. */
export function connectionFailureCode(error: unknown): string | undefined {
  return findErrorCode(error, (code) => CONNECTION_FAILURE_CODES.has(code));
}
