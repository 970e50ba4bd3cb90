import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tokenize } from "../../src/search/tokenize.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { reembedSqliteStore } from "../../src/stores/sqlite/reembed.js";
import { axis, memory, newUser, DIMS } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A 3-dimensional "model": coffee texts on one axis, the rest on another. */
const embedSmall = (texts: string[]) =>
  Promise.resolve(texts.map((t) => (t.includes("coffee") ? [1, 0, 0] : [0, 1, 0])));

async function filledStore(users: string[], perUser: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "reembed-"));
  dirs.push(dir);
  const path = join(dir, "memory.db");
  const store = new SqliteMemoryStore(path);
  await store.init(DIMS);
  for (const user of users) {
    const records = Array.from({ length: perUser }, (_, i) =>
      memory(user, i === 0 ? "drinks coffee daily" : `note ${i}`),
    );
    await store.put(
      records,
      records.map((_, i) => axis(i % DIMS)),
    );
  }
  await store.close();
  return path;
}

describe("reembedSqliteStore", () => {
  it("re-embeds every user with a model of another size, and the store then searches with it", async () => {
    const [alice, bob] = [newUser("alice"), newUser("bob")];
    const path = await filledStore([alice, bob], 10);
    const progress: number[] = [];
    const result = await reembedSqliteStore(path, {
      model: "test:small",
      dims: 3,
      embed: embedSmall,
      batchSize: 4,
      onProgress: (d) => progress.push(d),
    });
    expect(result).toMatchObject({ embedded: 20, resumed: 0, total: 20, dims: 3 });
    expect(progress.at(-1)).toBe(20);

    const store = new SqliteMemoryStore(path);
    await expect(store.init(DIMS)).rejects.toThrow(/holds 3-dimensional embeddings/);
    await store.init(3);
    const hits = await store.search({ userId: bob, vector: [1, 0, 0], validity: { kind: "current" }, limit: 1 });
    expect(hits[0].record.text).toBe("drinks coffee daily");
    expect(hits[0].record.userId).toBe(bob);
    // The lexical index is untouched.
    expect(
      (await store.search({ userId: alice, terms: tokenize("coffee"), validity: { kind: "current" }, limit: 5 }))
        .length,
    ).toBe(1);
    await store.close();
  });

  it("goes on where a stopped run stopped, embedding nothing twice", async () => {
    const path = await filledStore([newUser(), newUser()], 9);
    let calls = 0;
    const failing = (texts: string[]) =>
      ++calls === 3 ? Promise.reject(new Error("model went away")) : embedSmall(texts);
    await expect(
      reembedSqliteStore(path, { model: "test:small", dims: 3, embed: failing, batchSize: 4 }),
    ).rejects.toThrow(/model went away/);
    const embeddedTexts: string[] = [];
    const counting = (texts: string[]) => (embeddedTexts.push(...texts), embedSmall(texts));
    const result = await reembedSqliteStore(path, { model: "test:small", dims: 3, embed: counting, batchSize: 4 });
    expect(result).toMatchObject({ resumed: 8, embedded: 10, total: 18 });
    expect(embeddedTexts).toHaveLength(10);
  });

  it("re-embeds one user when the size stays, and refuses one user when it changes", async () => {
    const [alice, bob] = [newUser(), newUser()];
    const path = await filledStore([alice, bob], 5);
    await expect(
      reembedSqliteStore(path, { model: "test:small", dims: 3, embed: embedSmall, userId: alice }),
    ).rejects.toThrow(/every user at once \(--all\)/);
    const same = (texts: string[]) => Promise.resolve(texts.map(() => axis(7)));
    expect(
      await reembedSqliteStore(path, { model: "test:same", dims: DIMS, embed: same, userId: alice }),
    ).toMatchObject({ embedded: 5, total: 5 });
    const store = new SqliteMemoryStore(path);
    await store.init(DIMS);
    const aliceHits = await store.search({ userId: alice, vector: axis(7), validity: { kind: "current" }, limit: 5 });
    expect(aliceHits[0].fusion?.denseOrder).toBe(0); // every one of alice's vectors is now the same
    const bobHits = await store.search({ userId: bob, vector: axis(1), validity: { kind: "current" }, limit: 1 });
    expect(bobHits[0].record.text).toBe("note 1"); // bob's vectors are as they were
    await store.close();
  });

  it("says so when there is no store to re-embed", async () => {
    await expect(
      reembedSqliteStore(join(tmpdir(), "no-such-dir", "memory.db"), { model: "m", dims: 3, embed: embedSmall }),
    ).rejects.toThrow(/No memory store at/);
  });
});
