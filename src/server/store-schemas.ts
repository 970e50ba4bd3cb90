import { z } from "zod";
import { MEMORY_CATEGORIES } from "../memory/types.js";
import { jsonValue } from "../app/transfer/format.js";

/** Request shapes of the built-in LangGraph store routes (what Studio and the SDK send). */
const namespace = z.array(z.string());

export const ListNamespaces = z.object({
  prefix: namespace.optional(),
  suffix: namespace.optional(),
  max_depth: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});

export const SearchItems = z.object({
  namespace_prefix: namespace,
  filter: z.record(z.unknown()).optional(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).default(0),
  query: z.string().optional(),
});

/** A put as first read: its namespace is checked (404 for another one) before its value. */
export const PutItem = z.object({ namespace, key: z.string().min(1), value: z.record(z.unknown()) });
/** A whole put, the value checked as a memory's: what the OpenAPI document shows. */
export function putItemBody(maxTextChars: number) {
  return PutItem.extend({ value: memoryValue(maxTextChars) });
}
export const DeleteItem = z.object({ namespace: namespace.optional(), key: z.string().min(1) });
export const GetItem = z.object({ namespace: z.string().optional(), key: z.string().min(1) });

/**
 * The value of a memory item that a PUT may carry. Other fields of a memory (id, times, user) are
 * ignored, so a value read with GET can be edited and PUT back as a whole.
 */
export function memoryValue(maxTextChars: number) {
  return z.object({
    text: z.string().trim().min(1, "must not be empty").max(maxTextChars, `must be at most ${maxTextChars} characters`),
    category: z.enum(MEMORY_CATEGORIES).optional(),
    about: z.string().max(200).optional(),
    eventTime: z.string().nullable().optional(),
    metadata: z.record(jsonValue).optional(),
  });
}
