/** MemoryFilter → Qdrant filter translation (no server needed). */
import { describe, expect, it } from "vitest";
import { FilterError } from "../../src/memory/filter.js";
import {
  datetimeBound,
  filterCondition,
  payloadKey,
  recordFilter,
  validityConditions,
} from "../../src/stores/qdrant/filter.js";

describe("Qdrant filter translation", () => {
  it("always scopes by the user first, then validity, then the caller's filter", () => {
    expect(recordFilter("u1", { kind: "current", now: "2024-05-01T00:00:00.000Z" }, { category: "plan" })).toEqual({
      must: [
        { key: "userId", match: { value: "u1" } },
        { is_empty: { key: "validTo" } },
        {
          should: [{ is_empty: { key: "expiresAt" } }, { key: "expiresAt", range: { gt: "2024-05-01T00:00:00.000Z" } }],
        },
        { must: [{ key: "category", match: { value: "plan" } }] },
      ],
    });
    expect(recordFilter("u1", { kind: "all" })).toEqual({ must: [{ key: "userId", match: { value: "u1" } }] });
  });

  it("asOf: validFrom <= t and (no validTo or validTo > t) and (no expiry or expiry > t)", () => {
    expect(validityConditions({ kind: "asOf", time: "2024-03-01T00:00:00.000Z" })).toEqual([
      { key: "validFrom", range: { lte: "2024-03-01T00:00:00.000Z" } },
      { should: [{ is_empty: { key: "validTo" } }, { key: "validTo", range: { gt: "2024-03-01T00:00:00.000Z" } }] },
      { should: [{ is_empty: { key: "expiresAt" } }, { key: "expiresAt", range: { gt: "2024-03-01T00:00:00.000Z" } }] },
    ]);
  });

  it("maps record fields, aliases and metadata keys to payload keys", () => {
    expect(payloadKey("time")).toBe("createdAt");
    expect(payloadKey("thread_id")).toBe("threadId");
    expect(payloadKey("topic")).toBe("metadata.topic");
    expect(payloadKey("metadata.topic")).toBe("metadata.topic");
    expect(payloadKey("a.b")).toBe('metadata."a.b"');
    expect(payloadKey("名字")).toBe("metadata.名字");
    expect(() => payloadKey('bad"key')).toThrow(FilterError);
  });

  it("translates equality, null, lists, negation and numbers", () => {
    expect(filterCondition({ threadId: "t1", flag: true, n: 3, x: 2.5, gone: null })).toEqual({
      must: [
        { key: "threadId", match: { value: "t1" } },
        { key: "metadata.flag", match: { value: true } },
        { key: "metadata.n", match: { value: 3 } },
        { key: "metadata.x", range: { gte: 2.5, lte: 2.5 } },
        { is_null: { key: "metadata.gone" } },
      ],
    });
    expect(filterCondition({ category: { in: ["plan", "event"], ne: "plan" } })).toEqual({
      must: [
        { must_not: [{ key: "category", match: { value: "plan" } }] },
        { key: "category", match: { any: ["plan", "event"] } },
      ],
    });
    expect(filterCondition({ v: { in: ["a", 1, true, null] } })).toEqual({
      must: [
        {
          should: [
            { key: "metadata.v", match: { any: ["a"] } },
            { key: "metadata.v", match: { any: [1] } },
            { key: "metadata.v", match: { value: true } },
            { is_null: { key: "metadata.v" } },
          ],
        },
      ],
    });
    expect(filterCondition({ v: { nin: ["a"] } })).toEqual({
      must: [{ must_not: [{ key: "metadata.v", match: { any: ["a"] } }] }],
    });
    expect(filterCondition({ v: { in: [] } })).toEqual({ must: [{ has_id: [] }] });
    expect(filterCondition({ v: { nin: [] } })).toEqual({ must: [] });
  });

  it("translates AND / OR / NOT into must / should / must_not", () => {
    expect(
      filterCondition({ AND: [{ NOT: { category: "profile" } }, { OR: [{ threadId: "t2" }, { topic: "food" }] }] }),
    ).toEqual({
      must: [
        { must_not: [{ must: [{ key: "category", match: { value: "profile" } }] }] },
        {
          should: [
            { must: [{ key: "threadId", match: { value: "t2" } }] },
            { must: [{ key: "metadata.topic", match: { value: "food" } }] },
          ],
        },
      ],
    });
  });

  it("ranges: numbers as numbers, ISO dates as date-times; partial dates padded", () => {
    expect(filterCondition({ priority: { gt: 3, lte: 9 } })).toEqual({
      must: [{ key: "metadata.priority", range: { gt: 3, lte: 9 } }],
    });
    expect(filterCondition({ eventTime: { gte: "2024-02-01", lt: "2024-05-01T10:00:00Z" } })).toEqual({
      must: [{ key: "eventTime", range: { gte: "2024-02-01", lt: "2024-05-01T10:00:00Z" } }],
    });
    expect(datetimeBound("createdAt", "2024")).toBe("2024-01-01");
    expect(datetimeBound("createdAt", "2024-03")).toBe("2024-03-01");
    expect(datetimeBound("createdAt", "2024-03-08 10:00")).toBe("2024-03-08 10:00");
  });

  it("refuses what Qdrant cannot evaluate the same way, naming the field", () => {
    expect(() => filterCondition({ about: { gte: "Anna" } })).toThrow(/about.*ISO date/);
    expect(() => filterCondition({ n: { gte: 1, lt: "2024-01-01" } })).toThrow(FilterError);
    expect(() => filterCondition({ nested: { eq: { k: 1 } } })).toThrow(/nested/);
    expect(() => filterCondition({ tags: ["a"] as never })).toThrow(FilterError);
  });
});
