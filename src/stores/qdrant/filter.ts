/**
 * Our MemoryFilter and Validity as a Qdrant filter, so every condition runs inside Qdrant (in each
 * prefetch of a hybrid query, in scroll and count) and nothing is filtered afterwards in JS.
 * The meaning is the one memory/filter.ts gives the in-process stores; where Qdrant cannot say the
 * same thing, the translation refuses with a FilterError instead of answering something else.
 */
import type { Schemas } from "@qdrant/js-client-rest";
import { FilterError, RECORD_FIELDS } from "../../memory/filter.js";
import type { FieldCondition, JsonValue, MemoryFilter, RangeCondition, Validity } from "../../memory/types.js";

export type QdrantFilter = Schemas["Filter"];
type QdrantCondition = Schemas["Condition"];

/** Payload key of the owner; indexed as Qdrant's tenant key. */
const TENANT_KEY = "userId";

/** Matches nothing: a list of point ids that is empty. */
const NOTHING: QdrantCondition = { has_id: [] };

/**
 * The filter for one user's records: the tenant condition, the validity window and the caller's
 * filter, all required. The tenant condition comes first and from the store, never the caller.
 */
export function recordFilter(userId: string, validity: Validity, filter?: MemoryFilter): QdrantFilter {
  const must: QdrantCondition[] = [tenantCondition(userId), ...validityConditions(validity)];
  if (filter) must.push(filterCondition(filter));
  return { must };
}

export function tenantCondition(userId: string): QdrantCondition {
  return { key: TENANT_KEY, match: { value: userId } };
}

/**
 * current: no validTo and not expired now. asOf t: validFrom <= t, (no validTo, or validTo > t)
 * and not expired at t. Stored null and a missing key both count as "none" (is_empty covers both).
 */
export function validityConditions(validity: Validity): QdrantCondition[] {
  switch (validity.kind) {
    case "all":
      return [];
    case "current":
      return [{ is_empty: { key: "validTo" } }, notExpiredAt(validity.now ?? new Date().toISOString())];
    case "asOf": {
      const t = datetimeBound("asOf", validity.time);
      return [
        { key: "validFrom", range: { lte: t } },
        { should: [{ is_empty: { key: "validTo" } }, { key: "validTo", range: { gt: t } }] },
        notExpiredAt(t),
      ];
    }
  }
}

function notExpiredAt(time: string): QdrantCondition {
  return {
    should: [{ is_empty: { key: "expiresAt" } }, { key: "expiresAt", range: { gt: datetimeBound("now", time) } }],
  };
}

/** One MemoryFilter node as a Qdrant condition (a nested filter where needed). */
export function filterCondition(filter: MemoryFilter): QdrantCondition {
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw new FilterError(`A filter must be an object, got ${JSON.stringify(filter)}`);
  }
  if ("AND" in filter && Array.isArray(filter.AND)) return { must: filter.AND.map(filterCondition) };
  if ("OR" in filter && Array.isArray(filter.OR)) {
    return filter.OR.length === 0 ? NOTHING : { should: filter.OR.map(filterCondition) };
  }
  if ("NOT" in filter && typeof filter.NOT === "object" && filter.NOT !== null && !Array.isArray(filter.NOT)) {
    return { must_not: [filterCondition(filter.NOT as MemoryFilter)] };
  }
  const must = Object.entries(filter as Record<string, FieldCondition>).flatMap(([field, condition]) =>
    fieldConditions(payloadKey(field), field, condition),
  );
  return { must };
}

/** Where a filter field lives in the payload: record fields at the top, anything else in metadata. */
export function payloadKey(field: string): string {
  const direct = RECORD_FIELDS[field];
  if (direct) return direct;
  const key = field.startsWith("metadata.") ? field.slice("metadata.".length) : field;
  return `metadata.${jsonPathKey(key)}`;
}

/**
 * A metadata key as one step of a Qdrant JSON path. A key is one literal name (dots included), as
 * in memory/filter.ts, so anything beyond letters, digits, "_" and "-" is quoted.
 */
function jsonPathKey(key: string): string {
  if (/^[\p{L}\p{N}_-]+$/u.test(key)) return key;
  if (key.includes('"') || key.includes("\\")) {
    throw new FilterError(
      `Metadata key ${JSON.stringify(key)} cannot be filtered on in Qdrant: it contains a quote or backslash`,
    );
  }
  return `"${key}"`;
}

function isOperatorObject(c: FieldCondition): c is RangeCondition {
  return typeof c === "object" && c !== null && !Array.isArray(c);
}

function fieldConditions(key: string, field: string, condition: FieldCondition): QdrantCondition[] {
  if (!isOperatorObject(condition)) return [equals(key, field, condition)];
  const c = condition;
  const out: QdrantCondition[] = [];
  if (c.eq !== undefined) out.push(equals(key, field, c.eq));
  if (c.ne !== undefined) out.push({ must_not: [equals(key, field, c.ne)] });
  if (c.in !== undefined) out.push(oneOf(key, field, c.in));
  if (c.nin !== undefined && c.nin.length > 0) out.push({ must_not: [oneOf(key, field, c.nin)] });
  const bounds = rangeBounds(c);
  if (bounds) out.push(rangeCondition(key, field, bounds));
  return out;
}

/** Equality; on a list-valued field Qdrant (like memory/filter.ts) matches when any element is equal. */
function equals(key: string, field: string, value: JsonValue): QdrantCondition {
  if (value === null) return { is_null: { key } };
  if (typeof value === "string" || typeof value === "boolean") return { key, match: { value } };
  if (typeof value === "number") {
    // Qdrant matches integers exactly; a fractional number is the one-point range [v, v].
    return Number.isInteger(value) ? { key, match: { value } } : { key, range: { gte: value, lte: value } };
  }
  throw new FilterError(
    `Field "${field}": Qdrant compares single values only; ${JSON.stringify(value)} is a list or object`,
  );
}

function oneOf(key: string, field: string, values: JsonValue[]): QdrantCondition {
  if (values.length === 0) return NOTHING;
  const strings = values.filter((v): v is string => typeof v === "string");
  const integers = values.filter((v): v is number => typeof v === "number" && Number.isInteger(v));
  const others = values.filter((v) => !strings.includes(v as string) && !integers.includes(v as number));
  const should: QdrantCondition[] = [];
  if (strings.length) should.push({ key, match: { any: strings } });
  if (integers.length) should.push({ key, match: { any: integers } });
  for (const v of others) should.push(equals(key, field, v));
  return should.length === 1 ? should[0] : { should };
}

type Bounds = Pick<RangeCondition, "gt" | "gte" | "lt" | "lte">;

function rangeBounds(c: RangeCondition): Bounds | undefined {
  const bounds: Bounds = {};
  for (const op of ["gt", "gte", "lt", "lte"] as const) if (c[op] !== undefined) bounds[op] = c[op];
  return Object.keys(bounds).length ? bounds : undefined;
}

/**
 * Numbers compare as numbers; strings must be ISO dates or date-times and compare as instants
 * (Qdrant has no ordering of arbitrary text). Date-only bounds mean midnight UTC, which orders
 * like the in-process stores' string comparison for ISO values ("2024-03-31" sorts below any time
 * that day); the one difference is a value at exactly midnight, which here equals the bound.
 */
function rangeCondition(key: string, field: string, bounds: Bounds): QdrantCondition {
  const values = Object.values(bounds);
  if (values.every((v) => typeof v === "number")) return { key, range: bounds as Schemas["Range"] };
  if (values.every((v) => typeof v === "string")) {
    const range: Schemas["DatetimeRange"] = {};
    for (const [op, v] of Object.entries(bounds)) range[op as keyof Bounds] = datetimeBound(field, v as string);
    return { key, range };
  }
  throw new FilterError(`Field "${field}": a range takes numbers or ISO dates, not a mix of both`);
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A range bound in a form Qdrant parses (RFC 3339 and its date-only / no-zone variants, read as
 * UTC). A year ("2024") or month ("2024-03") means its first day, as it sorts in string order.
 */
export function datetimeBound(field: string, value: string): string {
  const v = value.trim();
  if (/^\d{4}$/.test(v)) return `${v}-01-01`;
  if (/^\d{4}-\d{2}$/.test(v)) return `${v}-01`;
  if (ISO_DATETIME.test(v)) return v;
  throw new FilterError(
    `Field "${field}": ${JSON.stringify(value)} is neither a number nor an ISO date (such as 2024-03-08 or 2024-03-08T10:00:00Z); Qdrant compares only those in ranges`,
  );
}
