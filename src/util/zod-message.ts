import type { ZodError } from "zod";

/** A zod error as one line for a person: "limit: Number must be less than or equal to 100; userId: Required". */
export function zodMessage(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
