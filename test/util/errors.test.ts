import { describe, expect, it } from "vitest";
import { SettingsError } from "../../src/config/settings.js";
import { TurnInputError } from "../../src/graph/errors.js";
import { MemoryNotFoundError, ModelTimeoutError } from "../../src/memory/engine.js";
import { FilterError, TenantViolationError } from "../../src/memory/filter.js";
import { classifyFailure } from "../../src/memory/queue/retry-policy.js";
import { DimensionMismatchError } from "../../src/memory/store.js";
import { InvalidInputError } from "../../src/memory/validation.js";
import { MalformedOutputError } from "../../src/models/structured.js";
import { PostgresUnavailableError } from "../../src/stores/postgres/errors.js";
import { QdrantRequestError, QdrantUnavailableError } from "../../src/stores/qdrant/client.js";
import { SqliteUnavailableError } from "../../src/stores/sqlite/errors.js";
import { AppError, EXIT_CODE, HTTP_STATUS } from "../../src/util/errors.js";

describe("the one error model (util/errors.ts)", () => {
  const errors: [AppError, string, boolean][] = [
    [new InvalidInputError("bad"), "invalid_input", false],
    [new TurnInputError("empty"), "invalid_input", false],
    [new FilterError("?"), "invalid_filter", false],
    [new TenantViolationError("other user"), "forbidden", false],
    [new MemoryNotFoundError("x"), "not_found", false],
    [new SettingsError("bad setting"), "invalid_settings", false],
    [new DimensionMismatchError("12 dimensions, the store was set up for 16"), "invalid_settings", false],
    [new MalformedOutputError("not JSON", "{"), "model_output_invalid", true],
    [new ModelTimeoutError(120), "model_timeout", true],
    [new QdrantUnavailableError("http://127.0.0.1:1"), "store_unavailable", true],
    [new SqliteUnavailableError("memory.db", "SQLITE_BUSY"), "store_unavailable", true],
    [
      new PostgresUnavailableError("postgres://db", "ECONNREFUSED", { cause: new Error("x"), fallback: "" }),
      "store_unavailable",
      true,
    ],
    [new QdrantRequestError("busy", 503), "store_request_failed", true],
    [new QdrantRequestError("bad request", 400), "store_request_failed", false],
  ];

  it("every error of the product has a stable code, a name of its own, and says whether it may clear", () => {
    for (const [error, code, retryable] of errors) {
      expect({ name: error.name, code: error.code, retryable: error.retryable }).toEqual({
        name: error.constructor.name,
        code,
        retryable,
      });
      expect(HTTP_STATUS[error.code]).toBeGreaterThanOrEqual(400);
      expect([1, 2, 3]).toContain(EXIT_CODE[error.code]);
    }
  });

  it("the update queue's retry policy reads it: what may clear is retried, what may not goes dead at once", () => {
    for (const [error, , retryable] of errors) {
      const verdict = classifyFailure(error);
      if (error instanceof MalformedOutputError) expect(verdict).toMatchObject({ kind: "permanent", maxAttempts: 3 });
      else expect(verdict.kind).toBe(retryable ? "transient" : "permanent");
    }
  });
});
