import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { zodMessage } from "../util/zod-message.js";
import { AppError, HTTP_STATUS, type ErrorCode } from "../util/errors.js";
import type { Logger } from "../logger.js";
import { StoreUnavailableError } from "../memory/store.js";

/** An error that already knows its HTTP status and machine-readable code. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface ErrorBody {
  error: string;
  message: string;
}

/** The codes a client is told, with the error's message; any other error is an internal_error. */
const CLIENT_FACING = new Set<ErrorCode>([
  "invalid_input",
  "invalid_filter",
  "usage",
  "forbidden",
  "not_found",
  "model_output_invalid",
  "model_timeout",
]);

/** Seconds a client should wait before retrying when the store is unreachable. */
const RETRY_AFTER_S = 5;

/** Maps any error to `{error, message}` and a fitting status; never sends a stack. */
export function errorResponse(error: unknown, c: Context, logger: Logger): Response {
  const { status, body } = classify(error);
  if (status >= 500) {
    logger.error("memory admin request failed", {
      method: c.req.method,
      path: c.req.path,
      status,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
  if (status === 503) c.header("Retry-After", String(RETRY_AFTER_S));
  return c.json(body, status);
}

function classify(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const reply = (status: ContentfulStatusCode, code: string, message: string) => ({
    status,
    body: { error: code, message },
  });
  if (error instanceof HttpError) return reply(error.status, error.code, error.message);
  if (error instanceof ZodError) return reply(400, "invalid_input", zodMessage(error));
  // An unreachable store (each backend says so with this one error) is told in words that name
  // no address (the log has the message with it).
  if (error instanceof StoreUnavailableError) {
    return reply(HTTP_STATUS[error.code], error.code, error.publicMessage);
  }
  // The product's own errors carry their code (util/errors.ts): what the caller can act on is
  // sent with its message — bad input, another user's data, not found, a model that answered
  // badly or too late. A set-up problem of the server stays in its log.
  if (error instanceof AppError && CLIENT_FACING.has(error.code)) {
    return reply(HTTP_STATUS[error.code], error.code, error.message);
  }
  return reply(500, "internal_error", "The memory server failed on this request; its log has the details.");
}
