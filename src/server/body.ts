import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ZodType, ZodTypeDef } from "zod";
import { HttpError } from "./errors.js";

/** Body size limits: one request of the admin API, and an import file. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** Refuses bodies above `maxBytes` with 413 before they are read into memory. */
export function limitBody(maxBytes = MAX_BODY_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      // The rest of the body is never read, so this connection cannot carry another request.
      c.header("Connection", "close");
      return c.json(
        {
          error: "payload_too_large",
          message: `The request body is larger than ${Math.round(maxBytes / 1024)} KiB; send less per request (split an import into several files).`,
        },
        413,
      );
    },
  });
}

/** The JSON body, checked against `schema` (a ZodError becomes 400 with the fields named). */
export async function readJson<T>(c: Context, schema: ZodType<T, ZodTypeDef, unknown>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HttpError(
      400,
      "invalid_json",
      "The request body is not JSON: send a JSON object with Content-Type: application/json.",
    );
  }
  return schema.parse(raw);
}

/** The query string, checked against `schema`. */
export function readQuery<T>(c: Context, schema: ZodType<T, ZodTypeDef, unknown>): T {
  return schema.parse(c.req.query());
}
