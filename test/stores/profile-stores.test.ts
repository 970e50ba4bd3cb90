/**
 * The profile stores of every backend, one contract: a profile per user, questions idempotent by
 * id and pruned to the newest, tenant scoping, forget. SQLite on a real file (its tables are the
 * memory store's migration step); Qdrant when QDRANT_URL is set.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ProfileStore } from "../../src/memory/profile/store.js";
import type { QuestionTopics, StoredProfile } from "../../src/memory/profile/types.js";
import { InMemoryProfileStore } from "../../src/stores/in-memory/profiles.js";
import { SqliteProfileStore } from "../../src/stores/sqlite/profiles.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";

const QDRANT_URL = process.env.QDRANT_URL;
if (!QDRANT_URL)
  console.warn(
    "skipped: no QDRANT_URL (start Qdrant and set QDRANT_URL=http://127.0.0.1:6333 to run the Qdrant profile store contract)",
  );

const profile = (userId: string, identity: string[], extra: Partial<StoredProfile> = {}): StoredProfile => ({
  userId,
  summary: { identity, preferences: [], constraints: [], focus: [] },
  source: "model",
  memoryCount: identity.length,
  refreshedAt: "2026-05-01T00:00:00.000Z",
  pendingSince: null,
  note: null,
  ...extra,
});
const question = (userId: string, id: string, day: number, topics: string[]): QuestionTopics => ({
  userId,
  id,
  at: new Date(Date.UTC(2026, 2, 1 + day)).toISOString(),
  topics,
});

const backends: Record<string, () => Promise<{ store: ProfileStore; close: () => Promise<void> }>> = {
  memory: async () => ({ store: new InMemoryProfileStore(), close: async () => {} }),
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), "profiles-"));
    const memory = new SqliteMemoryStore(join(dir, "memory.db"));
    await memory.init(4);
    const store = new SqliteProfileStore(join(dir, "memory.db"));
    await store.init();
    return {
      store,
      close: async () => (await store.close(), await memory.close(), rmSync(dir, { recursive: true, force: true })),
    };
  },
};
if (QDRANT_URL) {
  backends.qdrant = async () => {
    const { QdrantProfileStore } = await import("../../src/stores/qdrant/profiles.js");
    const collection = `profiles_test_${Date.now()}_${randomUUID().slice(0, 8)}`;
    const store = new QdrantProfileStore({ url: QDRANT_URL, collection });
    await store.init();
    return {
      store,
      close: async () =>
        void (await fetch(`${QDRANT_URL}/collections/${collection}_profiles`, { method: "DELETE" }).catch(
          () => undefined,
        )),
    };
  };
}

for (const [name, open] of Object.entries(backends)) {
  describe(`profile store: ${name}`, () => {
    const closing: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const close of closing) await close();
    });
    const opened = async () => {
      const o = await open();
      closing.push(o.close);
      return o.store;
    };

    it("keeps one profile per user, replaced by a put, and never shows it to another user", async () => {
      const store = await opened();
      expect(await store.profile("alice")).toBeNull();
      await store.putProfile(profile("alice", ["Nurse in Leeds"]));
      await store.putProfile(
        profile("bob", ["Pilot"], { source: "rules", note: "why", pendingSince: "2026-05-02T00:00:00.000Z" }),
      );
      await store.putProfile(profile("alice", ["Nurse in York"]));
      expect(await store.profile("alice")).toEqual(profile("alice", ["Nurse in York"]));
      expect(await store.profile("bob")).toMatchObject({
        source: "rules",
        note: "why",
        pendingSince: "2026-05-02T00:00:00.000Z",
        summary: { identity: ["Pilot"] },
      });
    });

    it("records questions once per id, oldest first, keeps only the newest, per user", async () => {
      const store = await opened();
      await store.putQuestions(
        [
          question("alice", "q2", 2, ["backend"]),
          question("alice", "q1", 1, ["frontend"]),
          question("bob", "q1", 1, ["cooking"]),
        ],
        10,
      );
      await store.putQuestions([question("alice", "q1", 1, ["frontend"])], 10);
      expect((await store.questions("alice")).map((q) => [q.id, q.topics])).toEqual([
        ["q1", ["frontend"]],
        ["q2", ["backend"]],
      ]);
      expect((await store.questions("bob")).map((q) => q.topics)).toEqual([["cooking"]]);
      await store.putQuestions([question("alice", "q3", 3, ["sql"]), question("alice", "q4", 4, ["api"])], 3);
      expect((await store.questions("alice")).map((q) => q.id)).toEqual(["q2", "q3", "q4"]);
      expect(await store.questions("bob")).toHaveLength(1);
    });

    it("forgets one user's profile and questions, and only theirs", async () => {
      const store = await opened();
      for (const user of ["carol", "dave"]) {
        await store.putProfile(profile(user, ["x"]));
        await store.putQuestions([question(user, "a", 1, ["t"]), question(user, "b", 2, ["t"])], 10);
      }
      expect(await store.forgetUser("carol")).toEqual({ profiles: 1, questions: 2 });
      expect(await store.profile("carol")).toBeNull();
      expect(await store.questions("carol")).toEqual([]);
      expect(await store.profile("dave")).not.toBeNull();
      expect(await store.questions("dave")).toHaveLength(2);
      expect(await store.forgetUser("carol")).toEqual({ profiles: 0, questions: 0 });
    });
  });
}
