import type { TimePeriod } from "./store.js";
import type { FieldCondition, JsonValue, MemoryFilter, MemoryRecord, RangeCondition, Validity } from "./types.js";
import { AppError } from "../util/errors.js";

/** Raised when a caller's filter or metadata tries to name a tenant other than its own. */
export class TenantViolationError extends AppError {
  readonly code = "forbidden";
}

/** Raised for a filter that cannot be understood; says which part is wrong. */
export class FilterError extends AppError {
  readonly code = "invalid_filter";
}

export const TENANT_FIELDS = new Set(["user_id", "userId"]);
/** Record fields a filter can name directly; anything else is looked up in metadata. */
export const RECORD_FIELDS: Record<string, keyof MemoryRecord> = {
  category: "category",
  about: "about",
  createdAt: "createdAt",
  time: "createdAt",
  updatedAt: "updatedAt",
  eventTime: "eventTime",
  threadId: "threadId",
  thread_id: "threadId",
  sourceId: "sourceId",
  validFrom: "validFrom",
  validTo: "validTo",
  id: "id",
};

const MAX_FILTER_DEPTH = 8;
/** A record field or metadata.<key>: letters, digits, _ . - (no operators such as $where). */
const FIELD_NAME = /^[A-Za-z_][\w.-]{0,99}$/;
const OPERATORS = new Set(["eq", "ne", "in", "nin", "gt", "gte", "lt", "lte"]);

/**
 * Checks a filter's shape and its tenant conditions, and returns it with tenant conditions removed
 * (the store always scopes by the caller's user id itself). A tenant condition naming another
 * user is a TenantViolationError, never a silent widening.
 */
export function sanitizeFilter(filter: MemoryFilter | undefined, userId: string, depth = 0): MemoryFilter | undefined {
  if (filter === undefined || filter === null) return undefined;
  if (depth > MAX_FILTER_DEPTH)
    throw new FilterError(`The filter nests more than ${MAX_FILTER_DEPTH} levels of AND/OR/NOT; flatten it`);
  if (typeof filter !== "object" || Array.isArray(filter)) {
    throw new FilterError(`A filter must be an object, got ${JSON.stringify(filter)}`);
  }
  if ("AND" in filter || "OR" in filter) {
    const key = "AND" in filter ? "AND" : "OR";
    const parts = (filter as Record<string, unknown>)[key];
    if (!Array.isArray(parts)) throw new FilterError(`"${key}" takes a list of filters`);
    const kept = parts
      .map((p) => sanitizeFilter(p as MemoryFilter, userId, depth + 1))
      .filter((p): p is MemoryFilter => p !== undefined);
    if (key === "OR" && kept.length < parts.length) {
      // An OR branch that was only "user_id = me" is always true for this caller.
      return undefined;
    }
    return kept.length === 0 ? undefined : ({ [key]: kept } as MemoryFilter);
  }
  if ("NOT" in filter) {
    const inner = sanitizeFilter((filter as { NOT: MemoryFilter }).NOT, userId, depth + 1);
    if (inner === undefined) throw new FilterError('"NOT" of a tenant condition would match nothing');
    return { NOT: inner };
  }
  const kept: Record<string, FieldCondition> = {};
  for (const [field, condition] of Object.entries(filter as Record<string, FieldCondition>)) {
    if (TENANT_FIELDS.has(field)) {
      assertOwnTenant(condition, userId);
      continue;
    }
    if (!FIELD_NAME.test(field)) {
      throw new FilterError(
        `"${field.slice(0, 40)}" is not a field name; use a record field (e.g. category) or metadata.<key>`,
      );
    }
    validateCondition(field, condition);
    kept[field] = condition;
  }
  return Object.keys(kept).length === 0 ? undefined : kept;
}

function assertOwnTenant(condition: FieldCondition, userId: string): void {
  const value = isOperatorObject(condition) ? condition.eq : condition;
  const onlyEq = !isOperatorObject(condition) || Object.keys(condition).every((k) => k === "eq");
  if (!onlyEq || value !== userId) {
    throw new TenantViolationError(
      "A filter may name only the caller's own user id; memories of other users are never searched.",
    );
  }
}

function validateCondition(field: string, condition: FieldCondition): void {
  if (!isOperatorObject(condition)) return;
  for (const op of Object.keys(condition)) {
    if (!OPERATORS.has(op)) {
      throw new FilterError(`Unknown operator "${op}" on field "${field}"; use one of ${[...OPERATORS].join(", ")}`);
    }
  }
  for (const op of ["in", "nin"] as const) {
    if (condition[op] !== undefined && !Array.isArray(condition[op])) {
      throw new FilterError(`"${op}" on field "${field}" takes a list`);
    }
  }
}

function isOperatorObject(c: FieldCondition): c is RangeCondition {
  return typeof c === "object" && c !== null && !Array.isArray(c);
}

/**
 * A filter's condition on memory ids (`{ id: { in: [...] } }`, alone or as a member of an AND),
 * split from the rest, so a store can look those ids up instead of testing every record.
 */
export function splitIdFilter(filter: MemoryFilter | undefined): { ids?: string[]; rest?: MemoryFilter } {
  if (!filter) return {};
  const ids = idList(filter);
  if (ids) return { ids };
  if ("AND" in filter && Array.isArray(filter.AND)) {
    const at = filter.AND.findIndex((f) => idList(f) !== undefined);
    if (at >= 0) {
      const others = filter.AND.filter((_, i) => i !== at);
      return {
        ids: idList(filter.AND[at]),
        rest: others.length === 0 ? undefined : others.length === 1 ? others[0] : { AND: others },
      };
    }
  }
  return { rest: filter };
}

function idList(filter: MemoryFilter): string[] | undefined {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== "id") return undefined;
  const condition = (filter as { id: FieldCondition }).id;
  if (!isOperatorObject(condition) || Object.keys(condition).length !== 1 || !Array.isArray(condition.in))
    return undefined;
  return condition.in.filter((v): v is string => typeof v === "string");
}

/**
 * A sanitized filter turned into a test, once, for a search that checks it against thousands of
 * records: field look-ups and the shape of the filter are worked out here, not per record.
 */
export function compileFilter(filter: MemoryFilter | undefined): (record: MemoryRecord) => boolean {
  if (!filter) return () => true;
  if ("AND" in filter && Array.isArray(filter.AND)) return allOf(filter.AND.map(compileFilter));
  if ("OR" in filter && Array.isArray(filter.OR)) {
    const parts = filter.OR.map(compileFilter);
    return (r) => {
      for (const p of parts) if (p(r)) return true;
      return false;
    };
  }
  if ("NOT" in filter && typeof filter.NOT === "object") {
    const inner = compileFilter(filter.NOT as MemoryFilter);
    return (r) => !inner(r);
  }
  return allOf(
    Object.entries(filter as Record<string, FieldCondition>).map(([field, cond]) => {
      const value = fieldGetter(field);
      const test = conditionTest(cond);
      return (r: MemoryRecord) => test(value(r));
    }),
  );
}

function allOf(parts: ((r: MemoryRecord) => boolean)[]): (r: MemoryRecord) => boolean {
  if (parts.length === 1) return parts[0];
  return (r) => {
    for (const p of parts) if (!p(r)) return false;
    return true;
  };
}

/**
 * A condition as a test of one value. A range with text bounds only (the dates of a time
 * filter, the engine's commonest) compares strings directly; anything else goes the general way.
 */
function conditionTest(cond: FieldCondition): (value: JsonValue | undefined) => boolean {
  if (isOperatorObject(cond)) {
    const c = cond;
    const textRange =
      c.eq === undefined &&
      c.ne === undefined &&
      c.in === undefined &&
      c.nin === undefined &&
      [c.gt, c.gte, c.lt, c.lte].every((b) => b === undefined || typeof b === "string");
    if (textRange) {
      const { gt, gte, lt, lte } = c as { gt?: string; gte?: string; lt?: string; lte?: string };
      return (v) =>
        typeof v === "string"
          ? (gt === undefined || v > gt) &&
            (gte === undefined || v >= gte) &&
            (lt === undefined || v < lt) &&
            (lte === undefined || v <= lte)
          : matchesCondition(v, c);
    }
  }
  return (v) => matchesCondition(v, cond);
}

function fieldGetter(field: string): (record: MemoryRecord) => JsonValue | undefined {
  const direct = RECORD_FIELDS[field];
  if (direct) return (r) => r[direct] as JsonValue;
  const key = field.startsWith("metadata.") ? field.slice("metadata.".length) : field;
  return (r) => r.metadata[key];
}

function matchesCondition(value: JsonValue | undefined, cond: FieldCondition): boolean {
  if (!isOperatorObject(cond)) return jsonEqual(value, cond);
  const c = cond;
  if (c.eq !== undefined && !jsonEqual(value, c.eq)) return false;
  if (c.ne !== undefined && jsonEqual(value, c.ne)) return false;
  if (c.in !== undefined && !c.in.some((v) => jsonEqual(value, v))) return false;
  if (c.nin !== undefined && c.nin.some((v) => jsonEqual(value, v))) return false;
  if (value === undefined || value === null) {
    return c.gt === undefined && c.gte === undefined && c.lt === undefined && c.lte === undefined;
  }
  if (c.gt !== undefined && !(compare(value, c.gt) > 0)) return false;
  if (c.gte !== undefined && !(compare(value, c.gte) >= 0)) return false;
  if (c.lt !== undefined && !(compare(value, c.lt) < 0)) return false;
  if (c.lte !== undefined && !(compare(value, c.lte) <= 0)) return false;
  return true;
}

function compare(a: JsonValue, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && !Array.isArray(b)) return a.some((x) => jsonEqual(x, b));
  // Scalars and null compare by value; only objects and lists need the serialised comparison.
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Is the record visible under the requested validity? An expiry is a validTo known in advance:
 * past it the fact no longer holds, for "current" as for "asOf".
 */
export function isValidAt(record: MemoryRecord, validity: Validity): boolean {
  switch (validity.kind) {
    case "all":
      return true;
    case "current":
      // The clock is read only for a record that can expire: most cannot, and this runs per record.
      return (
        record.validTo === null &&
        (record.expiresAt === null || !expiredAt(record, validity.now ?? new Date().toISOString()))
      );
    case "asOf":
      return (
        record.validFrom <= validity.time &&
        (record.validTo === null || record.validTo > validity.time) &&
        !expiredAt(record, validity.time)
      );
  }
}

/** True once `time` (ISO) has reached the record's expiry. Instants, not strings: expiries may be dates. */
function expiredAt(record: Pick<MemoryRecord, "expiresAt">, time: string): boolean {
  return record.expiresAt !== null && Date.parse(record.expiresAt) <= Date.parse(time);
}

/**
 * A search period (store.ts, TimePeriod) as a filter, for Qdrant, whose datetime ranges compare
 * instants as `inPeriod` does: eventTime in it, or createdAt when there is no eventTime.
 */
function periodFilter(period: TimePeriod): MemoryFilter {
  return {
    OR: [
      { eventTime: { gte: period.gte, lt: period.lt } },
      { AND: [{ eventTime: null }, { createdAt: { gte: period.gte, lt: period.lt } }] },
    ],
  };
}

/** A query's filter and period as one filter, for a store that answers both on its server. */
export function filterWithPeriod(
  filter: MemoryFilter | undefined,
  period: TimePeriod | undefined,
): MemoryFilter | undefined {
  if (!period) return filter;
  return filter ? { AND: [filter, periodFilter(period)] } : periodFilter(period);
}

/**
 * The time a period is matched on, as an instant (ms): the event's, or the memory's creation when it names none; NaN
 * when unreadable.
 */
export function periodTime(record: MemoryRecord): number {
  return Date.parse(record.eventTime ?? record.createdAt);
}

/** A period's bounds as instants (ms), read once for a search that checks many memories. */
export function periodBounds(period: TimePeriod): [from: number, to: number] {
  return [Date.parse(period.gte), Date.parse(period.lt)];
}

/**
 * Is a memory's period time in the bounds? Instants, not text: "2023-05" (a month the extraction
 * may write) is in May 2023, "2023-05-31T23:00:00-05:00" too; an unreadable time is in no period.
 */
export function inPeriod(time: number, bounds: [from: number, to: number]): boolean {
  // Indexed, not destructured: the embedded store calls this per memory, and a destructured
  // parameter made its period sweep take twice as long at 100,000 memories.
  return time >= bounds[0] && time < bounds[1];
}
