/**
 * The behaviour every MemoryStore backend must show, whatever it is built on. A backend's test file
 * calls runStoreContract with a factory; tests use fresh user ids, so one backend can serve them all.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sanitizeFilter } from "../../src/memory/filter.js";
import { tokenize } from "../../src/search/tokenize.js";
import type { MemoryFilter, MemoryRecord, Validity } from "../../src/memory/types.js";
import type { MemoryStore, StoreHit, StoreSearchQuery } from "../../src/memory/store.js";
import { axis, DIMS, historyEntry, idSet, ids, memory, mix, newUser, seededVector } from "./fixtures.js";

export interface StoreContractOptions {
  /** Each makeStore() call opens another handle (connection, client) on the SAME data. */
  sameBackendTwice?: boolean;
}

const CURRENT: Validity = { kind: "current" };
const ALL: Validity = { kind: "all" };
const hitIds = (hits: StoreHit[]) => hits.map((h) => h.record.id);

export function runStoreContract(
  name: string,
  makeStore: () => Promise<MemoryStore>,
  opts: StoreContractOptions = {},
): void {
  describe(`${name}: MemoryStore contract`, () => {
    const opened: MemoryStore[] = [];
    let store: MemoryStore;

    const open = async () => {
      const s = await makeStore();
      opened.push(s);
      await s.init(DIMS);
      return s;
    };
    const search = (q: Partial<StoreSearchQuery> & { userId: string }, s = store) =>
      s.search({ validity: CURRENT, limit: 10, ...q });

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      while (opened.length) await opened.pop()!.close();
    });

    describe("records", () => {
      it("init is idempotent", async () => {
        await store.init(DIMS);
        const user = newUser();
        const r = memory(user, "still works after a second init");
        await store.put([r], [axis(0)]);
        expect(await store.get(user, r.id)).toEqual(r);
      });

      it("put/get round-trips every field", async () => {
        const user = newUser();
        const full = memory(user, "Ich wohne in München — 我住在慕尼黑 ✓", {
          category: "profile",
          about: "Anna",
          createdAt: "2024-02-03T04:05:06.789Z",
          updatedAt: "2024-02-04T00:00:00.000Z",
          eventTime: "2023-12-24",
          validFrom: "2024-02-03T04:05:06.789Z",
          validTo: "2024-03-01T00:00:00.000Z",
          supersededBy: "a-newer-memory",
          threadId: "thread-9",
          sourceId: "message-42",
          hash: "c0ffee",
          metadata: {
            topic: "home",
            score: 2.5,
            flag: true,
            none: null,
            tags: ["a", "b"],
            nested: { k: [1, { x: "y" }] },
          },
          indexText: "Ich wohne in München | profile | 2023-12-24",
          expiresAt: "2024-02-10T00:00:00.000Z",
          weight: 1.5625,
          useCount: 7,
          lastUsedAt: "2024-02-09T08:00:00.000Z",
        });
        const sparse = memory(user, "minimal", { metadata: {} });
        await store.put([full, sparse], [axis(0), axis(1)]);
        expect(await store.get(user, full.id)).toEqual(full);
        expect(await store.get(user, sparse.id)).toEqual(sparse);
        expect(await store.get(user, "no-such-id")).toBeNull();
      });

      it("returns copies: changing a returned record does not change the store", async () => {
        const user = newUser();
        const r = memory(user, "original", { metadata: { tags: ["x"] } });
        await store.put([r], [axis(0)]);
        const got = (await store.get(user, r.id))!;
        got.text = "mutated";
        (got.metadata.tags as string[]).push("y");
        const listed = (await store.list(user))[0];
        listed.text = "mutated";
        expect(await store.get(user, r.id)).toEqual(r);
        expect((await store.list(user))[0]).toEqual(r);
      });

      it("put replaces a record with the same id: text, vector and lexical index follow", async () => {
        const user = newUser();
        const other = memory(user, "a note about gardening");
        const r = memory(user, "sailing boat on the lake");
        await store.put([other, r], [axis(0), axis(1)]);
        expect(hitIds(await search({ userId: user, terms: tokenize("sailing") }))).toEqual([r.id]);

        const replaced = {
          ...r,
          text: "violin lessons",
          indexText: "violin lessons",
          updatedAt: "2024-06-01T00:00:00.000Z",
        };
        await store.put([replaced], [axis(2)]);
        expect(await store.get(user, r.id)).toEqual(replaced);
        expect(await store.count(user)).toBe(2);
        expect(await search({ userId: user, terms: tokenize("sailing") })).toEqual([]);
        expect(hitIds(await search({ userId: user, terms: tokenize("violin") }))).toEqual([r.id]);
        const dense = await search({ userId: user, vector: axis(2) });
        expect(dense[0].record).toEqual(replaced);
        expect(dense[0].denseRank).toBe(1);
      });

      it("getByHashes finds the user's records by content hash, many at once", async () => {
        const user = newUser();
        const r = memory(user, "likes green tea", { hash: "hash-green-tea" });
        const r2 = memory(user, "keeps bees", { hash: "hash-bees" });
        await store.put([r, memory(user, "something else"), r2], [axis(0), axis(1), axis(2)]);
        expect(await store.getByHashes(user, ["hash-green-tea"])).toEqual([r]);
        expect(await store.getByHashes(user, ["hash-unknown"])).toEqual([]);
        expect(await store.getByHashes(user, [])).toEqual([]);
        const both = await store.getByHashes(user, ["hash-bees", "hash-unknown", "hash-green-tea", "hash-bees"]);
        expect(both.map((x) => x.hash).sort()).toEqual(["hash-bees", "hash-green-tea"]);
        expect(await store.getByHashes(newUser(), ["hash-bees", "hash-green-tea"])).toEqual([]);
      });

      it("put rejects an embedding of the wrong size", async () => {
        const user = newUser();
        await expect(store.put([memory(user, "bad vector")], [[1, 2, 3]])).rejects.toThrow(/dimension/i);
        expect(await store.count(user)).toBe(0);
      });

      it("delete removes only the named records of the user and says how many", async () => {
        const user = newUser();
        const keep = memory(user, "keep the kayak");
        const drop = memory(user, "drop the kayak");
        await store.put([keep, drop], [axis(0), axis(1)]);
        await search({ userId: user, vector: axis(1) });
        expect(await store.delete(user, [drop.id, "no-such-id"])).toBe(1);
        expect(await store.get(user, drop.id)).toBeNull();
        expect(await store.get(user, keep.id)).toEqual(keep);
        expect(hitIds(await search({ userId: user, vector: axis(1), terms: tokenize("kayak") }))).toEqual([keep.id]);
        expect(await store.delete(user, [drop.id])).toBe(0);
      });
    });

    describe("list and count", () => {
      it("lists newest first, then by id, with limit and offset", async () => {
        const user = newUser();
        const [idA, idB] = [randomUUID(), randomUUID()].sort();
        const jan = memory(user, "january", { createdAt: "2024-01-01T00:00:00.000Z" });
        const febLater = memory(user, "march b", { id: idB, createdAt: "2024-03-01T00:00:00.000Z" });
        const feb = memory(user, "february", { createdAt: "2024-02-01T00:00:00.000Z" });
        const febEarlier = memory(user, "march a", { id: idA, createdAt: "2024-03-01T00:00:00.000Z" });
        await store.put([jan, febLater, feb, febEarlier], [axis(0), axis(1), axis(2), axis(3)]);
        expect(ids(await store.list(user))).toEqual([idA, idB, feb.id, jan.id]);
        expect(ids(await store.list(user, { limit: 2 }))).toEqual([idA, idB]);
        expect(ids(await store.list(user, { limit: 2, offset: 1 }))).toEqual([idB, feb.id]);
        expect(ids(await store.list(user, { offset: 3 }))).toEqual([jan.id]);
        expect(await store.list(user, { offset: 10 })).toEqual([]);
        expect(await store.count(user)).toBe(4);
        expect(await store.list(newUser())).toEqual([]);
        expect(await store.count(newUser())).toBe(0);
      });

      it("list and count apply a filter", async () => {
        const user = newUser();
        const a = memory(user, "a", { category: "plan", createdAt: "2024-01-01T00:00:00.000Z" });
        const b = memory(user, "b", { category: "plan", createdAt: "2024-02-01T00:00:00.000Z" });
        const c = memory(user, "c", { category: "skill" });
        await store.put([a, b, c], [axis(0), axis(1), axis(2)]);
        expect(ids(await store.list(user, { filter: { category: "plan" } }))).toEqual([b.id, a.id]);
        expect(ids(await store.list(user, { filter: { category: "plan" }, limit: 1, offset: 1 }))).toEqual([a.id]);
        expect(await store.count(user, { filter: { category: "plan" } })).toBe(2);
        expect(await store.count(user, { filter: { category: "event" } })).toBe(0);
      });
    });

    describe("search", () => {
      it("dense only: ranks by cosine similarity and respects the limit", async () => {
        const user = newUser();
        const records = [0, 1, 2, 3].map((i) => memory(user, `record on axis ${i}`));
        await store.put(records, [axis(0), axis(1), axis(2), axis(3)]);
        const hits = await search({ userId: user, vector: mix([2, 0.9], [3, 0.3]), limit: 2 });
        expect(hitIds(hits)).toEqual([records[2].id, records[3].id]);
        expect(hits.map((h) => h.denseRank)).toEqual([1, 2]);
        expect(hits.every((h) => h.lexicalRank === undefined)).toBe(true);
        expect(hits[0].score).toBeGreaterThan(hits[1].score);
        expect(hits[0].record).toEqual(records[2]);
      });

      it("lexical only: finds records sharing a query term, and no others", async () => {
        const user = newUser();
        const cat = memory(user, "I adopted a cat named Miso");
        const food = memory(user, "Buys cat food at the corner shop");
        const trip = memory(user, "Planning a trip to Lisbon in May");
        await store.put([cat, food, trip], [axis(0), axis(1), axis(2)]);
        const hits = await search({ userId: user, terms: tokenize("my cats") });
        expect(idSet(hits.map((h) => h.record))).toEqual(new Set([cat.id, food.id]));
        expect(hits.every((h) => h.denseRank === undefined && h.lexicalRank !== undefined)).toBe(true);
        expect(hitIds(await search({ userId: user, terms: tokenize("Lisbon") }))).toEqual([trip.id]);
        expect(await search({ userId: user, terms: tokenize("submarine") })).toEqual([]);
      });

      it("lexical only: finds Chinese text by a Chinese query term", async () => {
        const user = newUser();
        const coffee = memory(user, "我喜欢在上海喝咖啡");
        const tea = memory(user, "周末和朋友去杭州喝茶");
        const english = memory(user, "Drinks coffee every morning");
        await store.put([coffee, tea, english], [axis(0), axis(1), axis(2)]);
        expect(hitIds(await search({ userId: user, terms: tokenize("咖啡") }))).toEqual([coffee.id]);
        expect(hitIds(await search({ userId: user, terms: tokenize("杭州") }))).toEqual([tea.id]);
      });

      it("hybrid: a record ranked in both retrievers beats records ranked first in only one", async () => {
        const user = newUser();
        const denseBest = memory(user, "weekend plans");
        const both = memory(user, "hiking boots for the mountain trail next summer");
        const lexicalBest = memory(user, "hiking hiking");
        const filler = [memory(user, "piano practice"), memory(user, "tax return")];
        await store.put(
          [denseBest, both, lexicalBest, ...filler],
          [axis(0), mix([0, 0.9], [1, 0.44]), axis(0, -1), axis(2), axis(3)],
        );
        const hits = await search({ userId: user, vector: axis(0), terms: tokenize("hiking") });
        expect(hitIds(hits).slice(0, 3)).toEqual([both.id, lexicalBest.id, denseBest.id]);
        expect(hits[0]).toMatchObject({ denseRank: 2, lexicalRank: 2 });
        expect(hits[1].lexicalRank).toBe(1);
        expect(hits[2]).toMatchObject({ denseRank: 1, lexicalRank: undefined });
        for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
      });

      it("returns `limit` hits when more records match, from either retriever", async () => {
        const user = newUser();
        const records = Array.from({ length: 15 }, (_, i) => memory(user, `walk number ${i} with the dog`));
        await store.put(
          records,
          records.map((_, i) => seededVector(i)),
        );
        const everyId = idSet(records);
        for (const q of [
          { vector: axis(0) },
          { terms: tokenize("dog") },
          { vector: axis(0), terms: tokenize("dog") },
        ]) {
          const hits = await search({ userId: user, ...q, limit: 12 });
          expect(hits).toHaveLength(12);
          expect(new Set(hitIds(hits)).size).toBe(12);
          for (const id of hitIds(hits)) expect(everyId.has(id)).toBe(true);
        }
      });

      it("returns nothing for a user without memories", async () => {
        expect(await search({ userId: newUser(), vector: axis(0), terms: ["anything"] })).toEqual([]);
      });

      it("a filter never loses a match ranked below the candidate cut-off", async () => {
        const user = newUser();
        const decoys = Array.from({ length: 120 }, (_, i) =>
          memory(user, "kayak kayak kayak", {
            category: "event",
            createdAt: `2024-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`,
          }),
        );
        const target = memory(user, "one kayak among many other long words in this sentence", { category: "skill" });
        await store.put([...decoys, target], [...decoys.map((_, i) => mix([0, 1], [1, 0.01 * (i % 10)])), axis(1)]);
        const filter = { category: "skill" };
        expect(hitIds(await search({ userId: user, vector: axis(0), filter, limit: 1 }))).toEqual([target.id]);
        expect(hitIds(await search({ userId: user, terms: tokenize("kayak"), filter, limit: 1 }))).toEqual([target.id]);
      });
    });

    it("a period keeps memories whose event time, or creation time without one, falls in it, with or without a filter", async () => {
      const user = newUser();
      const records = [
        memory(user, "ski trip in the alps", {
          id: "p1",
          eventTime: "2024-02-10",
          createdAt: "2024-06-01T00:00:00.000Z",
        }),
        memory(user, "ski lesson booked", { id: "p2", eventTime: null, createdAt: "2024-02-20T08:00:00.000Z" }),
        memory(user, "ski rental returned", {
          id: "p3",
          eventTime: "2024-03-01",
          createdAt: "2024-02-15T00:00:00.000Z",
        }),
        memory(user, "ski boots bought", {
          id: "p4",
          eventTime: null,
          createdAt: "2024-01-31T23:59:59.000Z",
          category: "plan",
        }),
      ];
      await store.put(
        records,
        records.map((_, i) => axis(i)),
      );
      const february = { gte: "2024-02-01", lt: "2024-03-01" };
      const ids = async (q: Partial<StoreSearchQuery>) =>
        hitIds(await search({ userId: user, vector: axis(0), terms: tokenize("ski"), limit: 10, ...q })).sort();
      expect(await ids({ period: february })).toEqual(["p1", "p2"]);
      expect(await ids({ period: february, filter: { category: "plan" } })).toEqual([]);
      expect(await ids({ period: { gte: "2024-01-01", lt: "2024-02-01" } })).toEqual(["p4"]);
      expect(await ids({ period: february, vector: undefined })).toEqual(["p1", "p2"]);
      // Instants, not text: a month-only event time is in that month, an offset counts.
      const more = [
        memory(user, "ski club joined", { id: "p5", eventTime: "2024-02", createdAt: "2024-06-01T00:00:00.000Z" }),
        memory(user, "ski pass lost", {
          id: "p6",
          eventTime: "2024-02-29T23:30:00-05:00",
          createdAt: "2024-06-01T00:00:00.000Z",
        }),
      ];
      await store.put(more, [axis(5), axis(6)]);
      // Qdrant's datetime index cannot read a month-only time, so such a memory is in no period
      // there (docs/qdrant.md); the stores that answer periods in process read it as its month's start.
      expect(await ids({ period: february })).toEqual(store.name === "qdrant" ? ["p1", "p2"] : ["p1", "p2", "p5"]);
      expect(await ids({ period: { gte: "2024-03-01", lt: "2024-04-01" } })).toEqual(["p3", "p6"]);
    });

    describe("filters (list, count and search agree)", () => {
      const cases: [string, (user: string) => MemoryFilter | undefined, string[]][] = [
        ["category in [...]", () => ({ category: { in: ["plan", "event"] } }), ["f2", "f3"]],
        ["createdAt gte/lte range", () => ({ createdAt: { gte: "2024-02-01", lte: "2024-03-31" } }), ["f2", "f3"]],
        ["time (alias of createdAt) gte", () => ({ time: { gte: "2024-03-01" } }), ["f3", "f4"]],
        [
          "eventTime range skips records without one",
          () => ({ eventTime: { gte: "2024-02-01", lt: "2024-05-01" } }),
          ["f2", "f4"],
        ],
        ["threadId", () => ({ threadId: "t1" }), ["f1", "f3"]],
        ["metadata key, bare", () => ({ topic: "travel" }), ["f2", "f3"]],
        ["metadata key, prefixed", () => ({ "metadata.topic": "food" }), ["f1"]],
        ["metadata number range", () => ({ priority: { gt: 3 } }), ["f2"]],
        ["metadata list contains", () => ({ tags: "b" }), ["f1"]],
        ["AND", (): MemoryFilter => ({ AND: [{ topic: "travel" }, { threadId: "t1" }] }), ["f3"]],
        [
          "OR",
          (): MemoryFilter => ({ OR: [{ category: "preference" }, { eventTime: { gte: "2024-04-01" } }] }),
          ["f1", "f4"],
        ],
        ["NOT", () => ({ NOT: { topic: "travel" } }), ["f1", "f4"]],
        [
          "AND of NOT and OR",
          (): MemoryFilter => ({
            AND: [{ NOT: { category: "profile" } }, { OR: [{ threadId: "t2" }, { topic: "food" }] }],
          }),
          ["f1", "f2"],
        ],
        [
          "the seed example after sanitizeFilter",
          (user) => sanitizeFilter({ AND: [{ user_id: user }, { time: { gte: "2024-02-15" } }] }, user),
          ["f3", "f4"],
        ],
      ];

      for (const [label, makeFilter, expected] of cases) {
        it(label, async () => {
          const user = newUser();
          const f = {
            f1: memory(user, "note one", {
              category: "preference",
              createdAt: "2024-01-10T00:00:00.000Z",
              eventTime: "2024-01-05",
              threadId: "t1",
              metadata: { topic: "food", tags: ["a", "b"], priority: 2 },
            }),
            f2: memory(user, "note two", {
              category: "plan",
              createdAt: "2024-02-10T00:00:00.000Z",
              eventTime: "2024-03-01",
              threadId: "t2",
              metadata: { topic: "travel", priority: 5 },
            }),
            f3: memory(user, "note three", {
              category: "event",
              createdAt: "2024-03-10T00:00:00.000Z",
              threadId: "t1",
              metadata: { topic: "travel" },
            }),
            f4: memory(user, "note four", {
              category: "profile",
              createdAt: "2024-04-10T00:00:00.000Z",
              eventTime: "2024-04-01T10:00:00Z",
            }),
          };
          await store.put(Object.values(f), [axis(0), axis(1), axis(2), axis(3)]);
          const filter = makeFilter(user);
          expect(filter).toBeDefined();
          const want = new Set(expected.map((k) => f[k as keyof typeof f].id));
          expect(idSet(await store.list(user, { filter }))).toEqual(want);
          expect(await store.count(user, { filter })).toBe(want.size);
          const vector = mix([0, 1], [1, 1], [2, 1], [3, 1]);
          expect(idSet((await search({ userId: user, vector, filter })).map((h) => h.record))).toEqual(want);
          expect(idSet((await search({ userId: user, terms: tokenize("note"), filter })).map((h) => h.record))).toEqual(
            want,
          );
        });
      }
    });

    describe("validity", () => {
      it("current hides superseded facts, asOf returns the fact valid then, all returns both", async () => {
        const user = newUser();
        const berlin = memory(user, "lives in Berlin", {
          createdAt: "2024-01-01T00:00:00.000Z",
          validFrom: "2024-01-01T00:00:00.000Z",
          validTo: "2024-06-01T00:00:00.000Z",
        });
        const paris = memory(user, "lives in Paris", {
          createdAt: "2024-06-01T00:00:00.000Z",
          validFrom: "2024-06-01T00:00:00.000Z",
        });
        berlin.supersededBy = paris.id;
        await store.put([berlin, paris], [axis(0), mix([0, 1], [1, 0.2])]);

        const check = async (validity: Validity, expected: MemoryRecord[]) => {
          const want = idSet(expected);
          expect(idSet(await store.list(user, { validity }))).toEqual(want);
          expect(await store.count(user, { validity })).toBe(want.size);
          const hits = await search({ userId: user, vector: axis(0), terms: tokenize("lives"), validity });
          expect(idSet(hits.map((h) => h.record))).toEqual(want);
        };
        await check(CURRENT, [paris]);
        await check({ kind: "asOf", time: "2024-03-01T00:00:00.000Z" }, [berlin]);
        await check({ kind: "asOf", time: "2024-06-01T00:00:00.000Z" }, [paris]);
        await check({ kind: "asOf", time: "2023-06-01T00:00:00.000Z" }, []);
        await check(ALL, [berlin, paris]);
        expect(idSet(await store.list(user))).toEqual(idSet([berlin, paris]));
        expect(await store.count(user)).toBe(2);
      });
    });

    describe("expiry", () => {
      it("an expired fact is not current, at the given now or the wall clock; asOf before the expiry and all still show it", async () => {
        const user = newUser();
        const trip = memory(user, "in Beijing this week", { expiresAt: "2024-05-13T00:00:00.000Z" });
        const home = memory(user, "lives in Hangzhou");
        await store.put([trip, home], [axis(0), mix([0, 0.9], [1, 0.4])]);
        const check = async (validity: Validity, expected: MemoryRecord[]) => {
          const want = idSet(expected);
          expect(idSet(await store.list(user, { validity }))).toEqual(want);
          expect(await store.count(user, { validity })).toBe(want.size);
          expect(
            idSet(
              (await search({ userId: user, vector: axis(0), terms: tokenize("Beijing Hangzhou"), validity })).map(
                (h) => h.record,
              ),
            ),
          ).toEqual(want);
        };
        await check({ kind: "current", now: "2024-05-12T23:59:59.000Z" }, [trip, home]);
        await check({ kind: "current", now: "2024-05-13T00:00:00.000Z" }, [home]);
        await check(CURRENT, [home]);
        await check({ kind: "asOf", time: "2024-05-10T00:00:00.000Z" }, [trip, home]);
        await check({ kind: "asOf", time: "2024-06-01T00:00:00.000Z" }, [home]);
        await check(ALL, [trip, home]);
      });
    });

    describe("marks and use", () => {
      it("mark sets weight, validTo and updatedAt, keeping text, vector and lexical index; another user's id is refused", async () => {
        const user = newUser();
        const r = memory(user, "plays the oboe");
        await store.put([r], [axis(3)]);
        expect(await store.mark(user, r.id, { weight: 0.8, updatedAt: "2024-06-01T00:00:00.000Z" })).toBe(true);
        const marked = { ...r, weight: 0.8, updatedAt: "2024-06-01T00:00:00.000Z" };
        expect(await store.get(user, r.id)).toEqual(marked);
        const hits = await search({ userId: user, vector: axis(3), terms: tokenize("oboe") });
        expect(hits.map((h) => h.record)).toEqual([marked]);
        expect(hits[0]).toMatchObject({ denseRank: 1, lexicalRank: 1 });

        expect(await store.mark(newUser(), r.id, { weight: 2 })).toBe(false);
        expect(await store.mark(user, "no-such-id", { weight: 2 })).toBe(false);
        expect((await store.get(user, r.id))!.weight).toBe(0.8);

        expect(await store.mark(user, r.id, { validTo: "2024-06-02T00:00:00.000Z", weight: undefined })).toBe(true);
        expect(await search({ userId: user, vector: axis(3) })).toEqual([]);
        expect(await store.get(user, r.id)).toEqual({ ...marked, validTo: "2024-06-02T00:00:00.000Z" });
      });

      it("recordUse counts one use per call and keeps the last time; ids of another user are skipped", async () => {
        const user = newUser();
        const a = memory(user, "keeps bees");
        const b = memory(user, "grows tomatoes");
        await store.put([a, b], [axis(0), axis(1)]);
        await search({ userId: user, vector: axis(0) });
        expect(await store.recordUse(user, [a.id, b.id, a.id], "2024-06-01T00:00:00.000Z")).toBe(2);
        expect(await store.recordUse(user, [a.id], "2024-06-03T00:00:00.000Z")).toBe(1);
        expect(await store.get(user, a.id)).toEqual({ ...a, useCount: 2, lastUsedAt: "2024-06-03T00:00:00.000Z" });
        expect(await store.get(user, b.id)).toEqual({ ...b, useCount: 1, lastUsedAt: "2024-06-01T00:00:00.000Z" });
        // A search after the use sees it (a cached snapshot is patched, not left stale).
        expect((await search({ userId: user, vector: axis(0) }))[0].record).toEqual({
          ...a,
          useCount: 2,
          lastUsedAt: "2024-06-03T00:00:00.000Z",
        });

        const other = newUser();
        expect(await store.recordUse(other, [a.id], "2024-06-04T00:00:00.000Z")).toBe(0);
        expect((await store.get(user, a.id))!.useCount).toBe(2);
      });
    });

    describe("history", () => {
      it("history returns a memory's entries in append order", async () => {
        const user = newUser();
        const h1 = historyEntry(user, "m1", { operation: "ADD", newText: "likes tea", threadId: "t1", sourceId: "s1" });
        const h2 = historyEntry(user, "m2", { operation: "ADD", newText: "other" });
        const h3 = historyEntry(user, "m1", { operation: "UPDATE", oldText: "likes tea", newText: "likes green tea" });
        const h4 = historyEntry(user, "m1", { operation: "DELETE", oldText: "likes green tea", newText: null });
        await store.appendHistory([h1, h2]);
        await store.appendHistory([h3]);
        await store.appendHistory([h4]);
        expect(await store.history(user, "m1")).toEqual([h1, h3, h4]);
        expect(await store.history(user, "m2")).toEqual([h2]);
        expect(await store.history(user, "m-unknown")).toEqual([]);
      });

      it("holds no pending updates of its own: the memory update queue keeps every update", async () => {
        expect(await store.legacyPending()).toEqual([]);
        await store.dropLegacyPending();
        expect(await store.legacyPending()).toEqual([]);
      });
    });

    describe("query vectors", () => {
      it("refuses a query embedding of the wrong size, whoever asks", async () => {
        const u = newUser("dims");
        await store.put([memory(u, "a fact")], [axis(0)]);
        await expect(search({ userId: u, vector: [1, 0] })).rejects.toThrow(/dimensions/);
        await expect(search({ userId: newUser("nobody"), vector: [1, 0] })).rejects.toThrow(/dimensions/);
      });
    });

    describe("listUsers", () => {
      it("lists users with memories in ascending order, up to the limit, and drops forgotten ones", async () => {
        const tag = randomUUID().slice(0, 8);
        const [u1, u2, u3] = [`lu-${tag}-1`, `lu-${tag}-2`, `lu-${tag}-3`];
        await store.put(
          [memory(u2, "two"), memory(u1, "one"), memory(u3, "three"), memory(u3, "three again")],
          [axis(0), axis(1), axis(2), axis(3)],
        );
        const mine = (users: string[]) => users.filter((u) => u.startsWith(`lu-${tag}`));
        const all = await store.listUsers(100_000);
        expect(mine(all)).toEqual([u1, u2, u3]);
        expect(all).toEqual([...all].sort());
        expect(new Set(all).size).toBe(all.length);
        expect(await store.listUsers(1)).toHaveLength(1);
        await store.forgetUser(u2);
        expect(mine(await store.listUsers(100_000))).toEqual([u1, u3]);
      });
    });

    describe("forgetUser", () => {
      it("erases the user's memories and history and leaves other users intact", async () => {
        const gone = newUser("gone");
        const stays = newUser("stays");
        const goneRecords = [
          memory(gone, "secret one"),
          memory(gone, "secret two"),
          memory(gone, "old secret", { validTo: "2024-06-01T00:00:00.000Z" }),
        ];
        const kept = memory(stays, "secret of another user");
        await store.put([...goneRecords, kept], [axis(0), axis(1), axis(2), axis(0)]);
        await store.appendHistory([historyEntry(gone, goneRecords[0].id), historyEntry(gone, goneRecords[1].id)]);
        const keptHistory = historyEntry(stays, kept.id);
        await store.appendHistory([keptHistory]);
        expect(await search({ userId: gone, vector: axis(0), terms: tokenize("secret") })).not.toEqual([]);

        expect(await store.forgetUser(gone)).toEqual({ memories: 3, history: 2 });

        expect(await store.count(gone)).toBe(0);
        expect(await store.list(gone)).toEqual([]);
        expect(await store.get(gone, goneRecords[0].id)).toBeNull();
        expect(await store.getByHashes(gone, [goneRecords[0].hash])).toEqual([]);
        expect(await search({ userId: gone, vector: axis(0), terms: tokenize("secret"), validity: ALL })).toEqual([]);
        expect(await store.history(gone, goneRecords[0].id)).toEqual([]);

        expect(await store.get(stays, kept.id)).toEqual(kept);
        expect(await store.history(stays, kept.id)).toEqual([keptHistory]);
        expect(hitIds(await search({ userId: stays, vector: axis(0), terms: tokenize("secret") }))).toEqual([kept.id]);
        expect(await store.forgetUser(gone)).toEqual({ memories: 0, history: 0 });
      });
    });

    describe("tenant isolation", () => {
      it("user B can never read, search, change or delete user A's records, even with A's ids", async () => {
        const a = newUser("a");
        const b = newUser("b");
        const aRecords = [
          memory(a, "A's bank is Nordbank", { hash: "hash-a-bank" }),
          memory(a, "A's doctor is Dr Lee"),
        ];
        await store.put(aRecords, [axis(0), axis(1)]);
        const aHistory = historyEntry(a, aRecords[0].id);
        await store.appendHistory([aHistory]);
        const aIds = ids(aRecords);

        expect(await store.get(b, aIds[0])).toBeNull();
        expect(await store.getByHashes(b, ["hash-a-bank"])).toEqual([]);
        expect(await store.list(b)).toEqual([]);
        expect(await store.list(b, { validity: ALL, filter: { id: { in: aIds } } })).toEqual([]);
        expect(await store.count(b)).toBe(0);
        expect(await search({ userId: b, vector: axis(0), terms: tokenize("Nordbank doctor"), validity: ALL })).toEqual(
          [],
        );
        expect(await store.delete(b, aIds)).toBe(0);
        expect(await store.history(b, aIds[0])).toEqual([]);

        // B storing a record under A's id creates B's own record; A's stays as it was.
        const bSameId = memory(b, "B's own note about Nordbank", { id: aIds[0] });
        await store.put([bSameId], [axis(0)]);
        expect(await store.get(b, aIds[0])).toEqual(bSameId);
        expect(await store.get(a, aIds[0])).toEqual(aRecords[0]);
        expect(await store.delete(b, [aIds[0]])).toBe(1);
        expect(await store.forgetUser(b)).toEqual({ memories: 0, history: 0 });

        expect(await store.count(a)).toBe(2);
        for (const r of aRecords) expect(await store.get(a, r.id)).toEqual(r);
        expect(await store.history(a, aIds[0])).toEqual([aHistory]);
        expect(hitIds(await search({ userId: a, vector: axis(0), terms: tokenize("Nordbank") }))[0]).toBe(aIds[0]);
      });
    });

    describe("concurrency", () => {
      it(
        opts.sameBackendTwice
          ? "two instances writing 200 records each at once: all 400 stored, each sees the other's"
          : "400 concurrent writes from one instance are all stored",
        async () => {
          const user = newUser("busy");
          const first = store;
          const second = opts.sameBackendTwice ? await open() : store;
          const warm = memory(user, "warm-up record");
          await first.put([warm], [axis(7)]);
          // A search before the writes, so an instance that caches must notice the other's writes.
          expect(hitIds(await search({ userId: user, vector: axis(7) }, first))).toEqual([warm.id]);

          const write = (s: MemoryStore, tag: string) =>
            Array.from({ length: 200 }, (_, i) => {
              const r = memory(user, `record ${tag}${i} zebra${tag}${i}`, { metadata: { writer: tag } });
              return s.put([r], [seededVector(i + (tag === "one" ? 0 : 1000))]).then(() => r);
            });
          const written = await Promise.all([...write(first, "one"), ...write(second, "two")]);

          for (const s of [first, second]) {
            expect(await s.count(user)).toBe(401);
            expect(idSet(await s.list(user))).toEqual(idSet([warm, ...written]));
          }
          const fromSecond = written.find((r) => r.text.includes("zebratwo137"))!;
          const hits = await search(
            { userId: user, terms: tokenize("zebratwo137"), vector: seededVector(1137) },
            first,
          );
          expect(hits[0].record).toEqual(fromSecond);
          expect(hits[0]).toMatchObject({ denseRank: 1, lexicalRank: 1 });
          expect(await first.count(user, { filter: { writer: "two" } })).toBe(200);

          await second.delete(user, [fromSecond.id]);
          expect(hitIds(await search({ userId: user, terms: tokenize("zebratwo137") }, first))).toEqual([]);
          expect(await first.count(user)).toBe(400);
        },
      );
    });
  });
}
