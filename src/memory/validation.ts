import { TenantViolationError, TENANT_FIELDS } from "./filter.js";
import type { JsonValue } from "./types.js";
import { AppError } from "../util/errors.js";

export class InvalidInputError extends AppError {
  readonly code = "invalid_input";
}

export const MAX_USER_ID_LENGTH = 256;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A user id is the tenant key: it must be present, printable and of sane length. */
export function validateUserId(userId: unknown): string {
  if (typeof userId !== "string" || userId.trim() === "") {
    throw new InvalidInputError("userId is required: pass the id of the user whose memory this is");
  }
  if (userId.length > MAX_USER_ID_LENGTH) {
    throw new InvalidInputError(
      `userId is ${userId.length} characters long; at most ${MAX_USER_ID_LENGTH} are allowed`,
    );
  }
  if (CONTROL.test(userId) || hasLoneSurrogate(userId)) {
    throw new InvalidInputError("userId contains control characters or invalid Unicode");
  }
  return userId;
}

// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Text a caller hands the engine (a query, a fact, an edit) must be valid Unicode without control
 * characters (tab and newlines are fine): a lone surrogate breaks embedders and JSON, a NUL or an
 * escape sequence would reach prompts and terminals.
 */
export function validateText(text: unknown, what: string): string {
  if (typeof text !== "string") throw new InvalidInputError(`${what} must be a string`);
  if (hasLoneSurrogate(text)) throw new InvalidInputError(`${what} contains invalid Unicode (a lone surrogate)`);
  if (CONTROL_IN_TEXT.test(text)) throw new InvalidInputError(`${what} contains control characters; remove them`);
  return text;
}

export function hasLoneSurrogate(text: string): boolean {
  return !text.isWellFormed();
}

/** Caller metadata may never name a tenant: that is how Mem0 leaked memories across users. */
export function validateMetadata(metadata: Record<string, JsonValue> | undefined): Record<string, JsonValue> {
  if (metadata === undefined) return {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new InvalidInputError("metadata must be a JSON object");
  }
  for (const key of Object.keys(metadata)) {
    if (TENANT_FIELDS.has(key)) {
      throw new TenantViolationError(
        `metadata may not set "${key}": the user id comes only from the caller's identity`,
      );
    }
  }
  return metadata;
}

/** Normalises a time given by a caller to ISO 8601 UTC; says what format is expected. */
export function toIsoTime(time: string | Date | undefined, fallback: Date): string {
  if (time === undefined) return fallback.toISOString();
  const d = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(d.getTime())) {
    throw new InvalidInputError(`time "${String(time)}" is not a date; use ISO 8601 such as 2025-03-12T09:30:00Z`);
  }
  return d.toISOString();
}
