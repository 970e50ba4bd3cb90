/**
 * The Qdrant memory store against a real Qdrant server: the shared contract, then what only a
 * server-backed store can get wrong. Runs when QDRANT_URL is set; every run works in collections
 * of its own (random name) and deletes them afterwards.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { tokenize } from "../../src/search/tokenize.js";
import { QdrantMemoryStore } from "../../src/stores/qdrant/memories.js";
import { collectionNames } from "../../src/stores/qdrant/collections.js";
import { createQdrantClient } from "../../src/stores/qdrant/client.js";
import { runStoreContract } from "./contract.js";
import { axis, DIMS, historyEntry, idSet, ids, memory, mix, newUser } from "./fixtures.js";

const QDRANT_URL = process.env.QDRANT_URL;
if (!QDRANT_URL) {
  console.log(
    "skipped: no QDRANT_URL (start Qdrant and set QDRANT_URL=http://127.0.0.1:6333 to run the Qdrant contract suite)",
  );
}

describe.skipIf(!QDRANT_URL)("Qdrant memory store (real server)", () => {
  const url = QDRANT_URL!;
  const client = createQdrantClient({ url });
  const created = new Set<string>();
  const freshName = () => {
    const name = `memory_chat_test_${randomUUID().slice(0, 8)}`;
    created.add(name);
    return name;
  };
  const base = freshName();
  const openStore = (collection = base) => new QdrantMemoryStore({ url, collection });
  /** Points of a collection, all users (straight from Qdrant). */
  const pointsIn = async (collection: string) => (await client.count(collection, { exact: true })).count;

  afterAll(async () => {
    for (const name of created) {
      for (const c of Object.values(collectionNames(name))) {
        if ((await client.collectionExists(c)).exists) await client.deleteCollection(c);
      }
    }
  });

  runStoreContract("qdrant", async () => openStore(), { sameBackendTwice: true });

  describe("Qdrant specifics", () => {
    it("an existing collection made for another embedding size is a clear error naming both sizes", async () => {
      const name = freshName();
      await openStore(name).init(DIMS);
      const err = await openStore(name)
        .init(16)
        .catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toMatch(new RegExp(`"${name}" holds 8-dimension vectors .* makes 16-dimension`));
      expect(err!.message).toMatch(/QDRANT_COLLECTION/);
    });

    it("lays out one collection per deployment with the tenant index and named vectors", async () => {
      const name = freshName();
      await openStore(name).init(DIMS);
      const info = await client.getCollection(name);
      expect(info.config.params.vectors).toMatchObject({ dense: { size: DIMS, distance: "Cosine" } });
      expect(info.config.params.sparse_vectors).toMatchObject({ lexical: { modifier: "idf" } });
      expect(info.payload_schema.userId).toMatchObject({ data_type: "keyword", params: { is_tenant: true } });
      for (const f of ["createdAt", "eventTime", "validFrom", "validTo"])
        expect(info.payload_schema[f]?.data_type).toBe("datetime");
      for (const f of ["category", "threadId", "sourceId", "hash"])
        expect(info.payload_schema[f]?.data_type).toBe("keyword");
      expect((await client.getCollection(`${name}_history`)).payload_schema.userId).toMatchObject({
        params: { is_tenant: true },
      });
    });

    it("keeps a user's history in append order across servers whose clocks disagree (one 10 s behind)", async () => {
      const name = freshName();
      const ahead = openStore(name);
      const behind = new QdrantMemoryStore({ url, collection: name, now: () => Date.now() - 10_000 });
      await ahead.init(DIMS);
      await behind.init(DIMS);
      const user = newUser();
      const steps = [
        [ahead, historyEntry(user, "m", { operation: "ADD", newText: "I live in Lisbon." })],
        [
          behind,
          historyEntry(user, "m", {
            operation: "SUPERSEDE",
            oldText: "I live in Lisbon.",
            newText: "I live in Porto.",
          }),
        ],
        [ahead, historyEntry(user, "m", { operation: "DELETE", oldText: "I live in Lisbon.", newText: null })],
        [behind, historyEntry(user, "m", { operation: "ADD", newText: "I live in Braga." })],
      ] as const;
      // One after the other, as the user lock makes them.
      for (const [store, entry] of steps) await store.appendHistory([entry]);
      expect((await ahead.history(user, "m")).map((h) => h.id)).toEqual(steps.map(([, e]) => e.id));
      // Another user's lines do not lift this user's numbers, nor the other way round.
      const other = newUser();
      await behind.appendHistory([historyEntry(other, "m")]);
      expect(await behind.history(other, "m")).toHaveLength(1);
    });

    it("50 users sharing forged record ids each see only their own records", async () => {
      const name = freshName();
      const store = openStore(name);
      await store.init(DIMS);
      const users = Array.from({ length: 50 }, (_, i) => newUser(`tenant${i}`));
      const sharedIds = ["shared-0", "shared-1", "shared-2"];
      await Promise.all(
        users.map((u, i) =>
          store.put(
            sharedIds.map((id, k) =>
              memory(u, `secret ${i} of kind ${k} zebra`, {
                id,
                hash: `hash-${k}`,
                metadata: { userId: users[(i + 1) % 50], user_id: users[0] },
              }),
            ),
            [axis(0), axis(1), axis(2)],
          ),
        ),
      );
      expect(await pointsIn(name)).toBe(150);
      for (const [i, u] of users.entries()) {
        const own = (r: { userId: string; text: string }) => r.userId === u && r.text.startsWith(`secret ${i} `);
        expect((await store.list(u)).every(own)).toBe(true);
        expect(await store.count(u)).toBe(3);
        expect(own((await store.get(u, "shared-1"))!)).toBe(true);
        expect(own((await store.getByHashes(u, ["hash-2"]))[0])).toBe(true);
        const hits = await store.search({
          userId: u,
          vector: axis(0),
          terms: tokenize("secret zebra"),
          validity: { kind: "all" },
          limit: 50,
        });
        expect(hits).toHaveLength(3);
        expect(hits.every((h) => own(h.record))).toBe(true);
        // Metadata naming another user is only metadata: it neither widens nor moves the scope.
        expect(await store.count(u, { filter: { userId: users[(i + 1) % 50] } })).toBe(3);
      }
      expect(await store.delete(users[1], ["shared-0", "shared-1", "shared-2"])).toBe(3);
      expect(await store.count(users[0])).toBe(3);
      expect(await store.count(users[2])).toBe(3);
      expect(await pointsIn(name)).toBe(147);
    });

    it("writing the same records again leaves the point count unchanged", async () => {
      const name = freshName();
      const store = openStore(name);
      await store.init(DIMS);
      const user = newUser();
      const records = [memory(user, "likes tea"), memory(user, "plays chess"), memory(user, "lives in Lyon")];
      const vectors = [axis(0), axis(1), axis(2)];
      await store.put(records, vectors);
      await store.put(records, vectors);
      await Promise.all([store.put(records, vectors), store.put(records, vectors)]);
      expect(await pointsIn(name)).toBe(3);
      const entry = historyEntry(user, records[0].id);
      await store.appendHistory([entry]);
      await store.appendHistory([entry]);
      expect(await store.history(user, records[0].id)).toEqual([entry]);
    });

    it("data survives a new client: a fresh store object reads it without init", async () => {
      const name = freshName();
      const user = newUser();
      const first = openStore(name);
      await first.init(DIMS);
      const r = memory(user, "the boat is called Nautilus", { eventTime: "2024-03-08" });
      await first.put([r], [axis(3)]);
      await first.appendHistory([historyEntry(user, r.id)]);
      await first.close();

      const second = openStore(name);
      expect(await second.get(user, r.id)).toEqual(r);
      const hits = await second.search({
        userId: user,
        vector: axis(3),
        terms: tokenize("Nautilus"),
        validity: { kind: "current" },
        limit: 5,
      });
      expect(hits[0]).toMatchObject({ record: r, denseRank: 1, lexicalRank: 1 });
      expect(await second.history(user, r.id)).toHaveLength(1);
      await expect(second.put([r], [[1, 2]])).rejects.toThrow(/2 dimensions, the store was set up for 8/);
    });

    it("date filters: date-only values and bounds, year bounds, null event times", async () => {
      const user = newUser();
      const store = openStore();
      await store.init(DIMS);
      const a = memory(user, "a", { createdAt: "2024-03-08T00:00:00.000Z", eventTime: "2024-03-08" });
      const b = memory(user, "b", { createdAt: "2024-03-09T12:00:00.000Z", eventTime: null });
      const c = memory(user, "c", { createdAt: "2025-01-01T09:00:00.000Z", eventTime: "2024-12-31T23:00:00+02:00" });
      await store.put([a, b, c], [axis(0), axis(1), axis(2)]);
      const count = (filter: object) => store.list(user, { filter: filter as never }).then(idSet);
      expect(await count({ eventTime: { gte: "2024-03-08", lt: "2024-03-09" } })).toEqual(idSet([a]));
      expect(await count({ eventTime: null })).toEqual(idSet([b]));
      expect(await count({ createdAt: { gte: "2024", lt: "2025" } })).toEqual(idSet([a, b]));
      expect(await count({ time: { gte: "2024-03-09" } })).toEqual(idSet([b, c]));
      expect(await count({ createdAt: "2024-03-09T12:00:00.000Z" })).toEqual(idSet([b]));
      // The engine's period filter: event time in range, or no event time and stated in range.
      const period = {
        OR: [
          { eventTime: { gte: "2024-03-01", lt: "2024-04-01" } },
          { AND: [{ eventTime: null }, { createdAt: { gte: "2024-03-01", lt: "2024-04-01" } }] },
        ],
      };
      expect(await count(period)).toEqual(idSet([a, b]));
      // An offset is compared as an instant: 2024-12-31T23:00+02:00 is 21:00 UTC.
      expect(await count({ eventTime: { gte: "2024-12-31T22:00:00Z" } })).toEqual(new Set());
    });

    it("list with a limit reads the newest page by index and still orders ties by id", async () => {
      const user = newUser();
      const store = openStore();
      await store.init(DIMS);
      const same = Array.from({ length: 30 }, (_, i) =>
        memory(user, `tie ${i}`, { createdAt: "2024-06-01T00:00:00.000Z" }),
      );
      const older = Array.from({ length: 10 }, (_, i) =>
        memory(user, `old ${i}`, { createdAt: `2024-01-${String(i + 10)}T00:00:00.000Z` }),
      );
      const newest = memory(user, "newest", { createdAt: "2024-07-01T00:00:00.000Z" });
      const all = [...same, ...older, newest];
      await store.put(
        all,
        all.map((_, i) => mix([i % DIMS, 1])),
      );
      const full = await store.list(user);
      expect(ids(full)[0]).toBe(newest.id);
      expect(ids(full.slice(1, 31))).toEqual(ids(same).sort());
      for (const [offset, limit] of [
        [0, 5],
        [3, 10],
        [25, 10],
        [38, 10],
        [41, 3],
      ]) {
        expect(ids(await store.list(user, { offset, limit }))).toEqual(ids(full.slice(offset, offset + limit)));
      }
    });
  });
});
