import { FilterError } from "../memory/filter.js";
import type { FieldCondition, MemoryFilter, MemoryRecord, RangeCondition } from "../memory/types.js";
import { HttpError } from "./errors.js";
import { memoryView } from "./memory-view.js";

/**
 * How the LangGraph store API (Studio's memory view, the SDK's client.store) sees long-term
 * memory: namespace ["memories", <userId>], key = memory id, value = the memory.
 */
export const MEMORY_NAMESPACE = "memories";

export function userNamespace(userId: string): string[] {
  return [MEMORY_NAMESPACE, userId];
}

/** The user a namespace names, or undefined when it is not a memory namespace. */
export function namespaceUser(namespace: string[]): string | undefined {
  return namespace.length === 2 && namespace[0] === MEMORY_NAMESPACE ? namespace[1] : undefined;
}

export function otherNamespace(namespace: string[]): HttpError {
  return new HttpError(
    404,
    "not_found",
    `Namespace [${namespace.map((l) => JSON.stringify(l)).join(", ")}] is not served here: this server's store holds long-term memory only, as ["${MEMORY_NAMESPACE}", "<userId>"].`,
  );
}

/** Same checks as the built-in store routes: labels non-empty and without periods. */
export function assertNamespaceLabels(namespace: string[]): void {
  for (const label of namespace) {
    if (!label || label.includes(".")) {
      throw new HttpError(
        422,
        "invalid_namespace",
        `Namespace labels cannot be empty or contain periods. Received: ${namespace.join(".")}`,
      );
    }
  }
}

/** The item shape of the built-in routes (snake-case times; the SDK maps them). */
export function storeItem(record: MemoryRecord, score?: number) {
  return {
    namespace: userNamespace(record.userId),
    key: record.id,
    value: memoryView(record),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    ...(score === undefined ? {} : { score }),
  };
}

const OPERATORS: Record<string, keyof RangeCondition> = {
  $eq: "eq",
  $ne: "ne",
  $gt: "gt",
  $gte: "gte",
  $lt: "lt",
  $lte: "lte",
  $in: "in",
  $nin: "nin",
};

/** A LangGraph store filter ({field: value} or {field: {$gte: ...}}) as a memory filter. */
export function memoryFilterOf(filter: Record<string, unknown> | undefined): MemoryFilter | undefined {
  if (!filter || Object.keys(filter).length === 0) return undefined;
  const out: Record<string, FieldCondition> = {};
  for (const [field, condition] of Object.entries(filter)) {
    out[field] = isOperatorObject(condition) ? rangeOf(field, condition) : (condition as FieldCondition);
  }
  return out;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).every((k) => k.startsWith("$"))
  );
}

function rangeOf(field: string, condition: Record<string, unknown>): RangeCondition {
  const range: Record<string, unknown> = {};
  for (const [op, value] of Object.entries(condition)) {
    const mapped = OPERATORS[op];
    if (!mapped)
      throw new FilterError(
        `Unknown operator "${op}" on field "${field}"; use one of ${Object.keys(OPERATORS).join(", ")}`,
      );
    range[mapped] = value;
  }
  return range as RangeCondition;
}
