/**
 * The product's one error model. Every error of its own extends `AppError`: a stable,
 * machine-readable `code` (the `error` field of the HTTP API's error bodies, docs/http-api.md) and
 * whether trying the same thing again later may succeed (`retryable`). The code decides, in one
 * table each, the HTTP status (server/errors.ts) and the exit code of the commands (cli/); the
 * memory update queue's retry policy reads `retryable` (memory/queue/retry-policy.ts). Errors of
 * libraries and sockets are classified where they enter: the store's adapters, the model clients.
 */
export type ErrorCode =
  | "invalid_input"
  | "invalid_filter"
  | "invalid_settings"
  | "usage"
  | "forbidden"
  | "not_found"
  | "model_output_invalid"
  | "model_timeout"
  | "store_unavailable"
  | "store_request_failed"
  | "not_configured";

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  /** Whether the same call may succeed later (a store back up, a model that answers in time). */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The HTTP status of each code. */
export const HTTP_STATUS: Record<ErrorCode, 400 | 403 | 404 | 500 | 502 | 503 | 504> = {
  invalid_input: 400,
  invalid_filter: 400,
  invalid_settings: 500,
  usage: 400,
  forbidden: 403,
  not_found: 404,
  model_output_invalid: 502,
  model_timeout: 504,
  store_unavailable: 503,
  store_request_failed: 502,
  not_configured: 500,
};

/** The exit code of the commands (memories, memory-chat) for each code: 1 failure, 2 usage, 3 not found. */
export const EXIT_CODE: Record<ErrorCode, 1 | 2 | 3> = {
  invalid_input: 2,
  invalid_filter: 2,
  invalid_settings: 2,
  usage: 2,
  forbidden: 2,
  not_found: 3,
  model_output_invalid: 1,
  model_timeout: 1,
  store_unavailable: 1,
  store_request_failed: 1,
  not_configured: 1,
};
