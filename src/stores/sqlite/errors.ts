/**
 * When a SQLite file of DATA_DIR cannot be used right now, in SQLite's words: locked by another
 * process, not openable or writable, a full or failing disk, a connection already closed. Those
 * failures leave the SQLite stores as StoreUnavailableError (applied to each class with
 * `classifyFailures`); any other error (a constraint, a bug) leaves as it is.
 */
import { StoreUnavailableError } from "../../memory/store.js";
import { findErrorCode } from "../../util/network.js";

/** Primary result codes and what the operator can do about them. */
const REMEDIES: Record<string, string> = {
  SQLITE_BUSY: "another process holds it locked: let it finish, or stop it",
  SQLITE_LOCKED: "another connection holds it locked: let it finish, or stop it",
  SQLITE_PROTOCOL: "another process holds it locked: let it finish, or stop it",
  SQLITE_CANTOPEN: "it cannot be opened: check that DATA_DIR exists and this user may write there",
  SQLITE_READONLY: "it cannot be written: check that this user may write DATA_DIR and its files",
  SQLITE_FULL: "the disk is full: free some space",
  SQLITE_IOERR: "the disk failed to read or write it: check the disk",
};
/** better-sqlite3 reports a closed connection as a TypeError without a code. */
const CLOSED = "SQLITE_CLOSED";
const CLOSED_MESSAGE = /database connection is not open/i;

/** The SQLite code (e.g. SQLITE_BUSY, SQLITE_IOERR_WRITE) when the error means the file cannot be used now. */
export function sqliteUnavailableCode(error: unknown): string | undefined {
  const code = findErrorCode(error, (c) => Object.hasOwn(REMEDIES, c) || c.startsWith("SQLITE_IOERR"));
  if (code) return code;
  return error instanceof Error && CLOSED_MESSAGE.test(error.message) ? CLOSED : undefined;
}

/** A SQLite file of DATA_DIR that cannot be used right now. */
export class SqliteUnavailableError extends StoreUnavailableError {
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    const remedy = reason === CLOSED ? "its connection is closed (the process is stopping)" : remedyOf(reason);
    super(`The SQLite file ${path} (in DATA_DIR) cannot be used now (${reason}): ${remedy}; then retry`, {
      reason,
      remedy: "Check that the SQLite files in DATA_DIR are not locked by another process and can be written",
      cause: options?.cause,
    });
  }
}

function remedyOf(reason: string): string {
  return REMEDIES[reason.startsWith("SQLITE_IOERR") ? "SQLITE_IOERR" : reason];
}

/** The error a SQLite store of the file at `path` throws for `error`: SqliteUnavailableError or `error` itself. */
export function sqliteFailure(path: string, error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const reason = sqliteUnavailableCode(error);
  return reason ? new SqliteUnavailableError(path, reason, { cause: error }) : error;
}

/** Runs a step on the file at `path` outside the classified methods (opening it in a constructor). */
export function onSqliteFile<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw sqliteFailure(path, error);
  }
}
