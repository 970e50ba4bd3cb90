import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import type { Logger } from "../logger.js";
import { MemoryNotFoundError } from "../memory/engine.js";
import { FilterError, TenantViolationError } from "../memory/filter.js";
import { MalformedOutputError } from "../memory/structured.js";
import { InvalidInputError } from "../memory/validation.js";
import { unreachableStoreCode, unreachableStoreMessage } from "../memory/store-unavailable.js";

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
  if (error instanceof InvalidInputError) return reply(400, "invalid_input", error.message);
  if (error instanceof FilterError) return reply(400, "invalid_filter", error.message);
  if (error instanceof TenantViolationError) return reply(403, "forbidden", error.message);
  if (error instanceof MemoryNotFoundError) return reply(404, "not_found", error.message);
  // The model answered, but not in a form the update can use (add with inference): retrying may help.
  if (error instanceof MalformedOutputError) return reply(502, "model_output_invalid", error.message);
  const unreachable = unreachableStoreCode(error);
  if (unreachable) return reply(503, "store_unavailable", unreachableStoreMessage(unreachable));
  return reply(500, "internal_error", "The memory server failed on this request; its log has the details.");
}

/** "limit: Number must be less than or equal to 100; userId: Required" */
export function zodMessage(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
