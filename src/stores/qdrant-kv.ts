/**
 * How LangGraph store items sit in Qdrant: payload layout, namespace prefixes and the
 * `{field: value | {$eq, $ne, $gt, $gte, $lt, $lte, $in, $nin}}` filters of BaseStore.search.
 */
import type { Item, MatchCondition } from "@langchain/langgraph-checkpoint";
import type { Schemas } from "@qdrant/js-client-rest";
import type { QdrantCondition } from "./qdrant-filter.js";
import { pointId } from "./qdrant-ids.js";

/** Namespace labels cannot contain ":" (validateNamespace), so it joins them unambiguously. */
const SEPARATOR = ":";

export const joinNamespace = (namespace: string[]) => namespace.join(SEPARATOR);

export const itemPointId = (namespace: string[], key: string) => pointId("kv", joinNamespace(namespace), key);

/**
 * `prefixes` lists every leading part of the namespace (["a", "a:b", "a:b:c"]), so "items under
 * prefix P" is one keyword match on an indexed field.
 */
export function itemPayload(namespace: string[], key: string, value: Record<string, unknown>, createdAt: string, updatedAt: string) {
  return {
    namespace,
    namespaceKey: joinNamespace(namespace),
    prefixes: namespace.map((_, i) => joinNamespace(namespace.slice(0, i + 1))),
    key,
    value,
    createdAt,
    updatedAt,
  };
}

export function payloadToItem(p: Record<string, unknown>): Item {
  return {
    namespace: p.namespace as string[],
    key: String(p.key),
    value: (p.value ?? {}) as Record<string, unknown>,
    createdAt: new Date(String(p.createdAt)),
    updatedAt: new Date(String(p.updatedAt)),
  };
}

export function prefixCondition(namespacePrefix: string[]): QdrantCondition[] {
  return namespacePrefix.length ? [{ key: "prefixes", match: { value: joinNamespace(namespacePrefix) } }] : [];
}

/** Matches nothing: an empty list of point ids. */
const NOTHING: QdrantCondition = { has_id: [] };

function valueKey(field: string): string {
  if (/^[\p{L}\p{N}_-]+$/u.test(field)) return `value.${field}`;
  if (field.includes('"') || field.includes("\\")) throw new Error(`Cannot filter on field ${JSON.stringify(field)} in Qdrant`);
  return `value."${field}"`;
}

function equals(key: string, v: unknown): QdrantCondition {
  if (typeof v === "string" || typeof v === "boolean") return { key, match: { value: v } };
  if (typeof v === "number") return Number.isInteger(v) ? { key, match: { value: v } } : { key, range: { gte: v, lte: v } };
  if (v === null) return { is_null: { key } };
  // BaseStore compares with ===, so an object or list filter value never matches a stored value.
  return NOTHING;
}

const anyOf = (key: string, values: unknown[]): QdrantCondition =>
  values.length === 0 ? NOTHING : { should: values.map((v) => equals(key, v)) };

/** A BaseStore search filter as Qdrant conditions on the stored value. */
export function valueFilterConditions(filter: Record<string, unknown> | undefined): QdrantCondition[] {
  const out: QdrantCondition[] = [];
  for (const [field, condition] of Object.entries(filter ?? {})) {
    const key = valueKey(field);
    const isOps =
      typeof condition === "object" && condition !== null && !Array.isArray(condition) &&
      Object.keys(condition).some((k) => k.startsWith("$"));
    if (!isOps) {
      out.push(equals(key, condition));
      continue;
    }
    for (const [op, v] of Object.entries(condition as Record<string, unknown>)) {
      switch (op) {
        case "$eq":
          out.push(equals(key, v));
          break;
        case "$ne":
          out.push({ must_not: [equals(key, v)] });
          break;
        case "$gt":
        case "$gte":
        case "$lt":
        case "$lte":
          out.push({ key, range: { [op.slice(1)]: Number(v) } as Schemas["Range"] });
          break;
        case "$in":
          out.push(Array.isArray(v) ? anyOf(key, v) : NOTHING);
          break;
        case "$nin":
          if (Array.isArray(v) && v.length) out.push({ must_not: [anyOf(key, v)] });
          break;
        default:
          throw new Error(`Unknown filter operator "${op}" on field "${field}": use $eq, $ne, $gt, $gte, $lt, $lte, $in or $nin`);
      }
    }
  }
  return out;
}

/** BaseStore.listNamespaces matching: prefix/suffix paths where "*" matches any one label. */
export function namespaceMatches(namespace: string[], condition: MatchCondition): boolean {
  const { matchType, path } = condition;
  if (path.length > namespace.length) return false;
  const start = matchType === "prefix" ? 0 : namespace.length - path.length;
  return path.every((label, i) => label === "*" || namespace[start + i] === label);
}
