import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { ErrorReply } from "./responses.js";

/** Errors every route can answer; a route lists the others it can answer (api-route.ts). */
export const COMMON_ERRORS = [400, 401, 403, 500, 503];

/** What each error status means here: one shared response per status in the document. */
const ERROR_MEANING: Record<number, string> = {
  400: "invalid input (the message names the field), invalid JSON, an invalid filter, or a bad user id",
  401: "token mode: no token (bearer or x-api-key), or an unknown one",
  403: "the request names another user than the token's, or (open mode) it is not addressed to localhost",
  404: "no such memory, job or memory namespace for this user (another user's id answers the same)",
  409: "the job is running or done",
  413: "the body is larger than 1 MiB (64 MiB for an import); the connection is closed",
  422: "a namespace label is empty or contains a period",
  500: "an unexpected failure; the server log has the details",
  502: "the model's answer could not be used, even after one corrective retry; nothing was stored",
  503: "the memory store (or the update queue) cannot be reached; retry after Retry-After seconds",
  504: "the model did not answer within MODEL_TIMEOUT_S; nothing was stored",
};

/** The reference a route's reply for `status` points at. */
export function errorRef(status: number): { $ref: string } {
  if (!ERROR_MEANING[status]) throw new Error(`No error response for status ${status}: add it to ERROR_MEANING`);
  return { $ref: `#/components/responses/Error${status}` };
}

/** Adds the error replies, in the API's error shape (ErrorReply), to the document's components. */
export function registerErrorResponses(registry: OpenAPIRegistry): void {
  registry.register("ErrorReply", ErrorReply);
  for (const [status, meaning] of Object.entries(ERROR_MEANING)) {
    registry.registerComponent("responses", `Error${status}`, {
      description: meaning,
      ...(status === "503"
        ? { headers: { "Retry-After": { description: "seconds to wait before retrying", schema: { type: "string" } } } }
        : {}),
      content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorReply" } } },
    });
  }
}
