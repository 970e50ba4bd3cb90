import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { MemoryEngine } from "../../src/memory/engine.js";
import { ImportDocument } from "../../src/app/transfer/format.js";
import { exportUser, importUser } from "../../src/app/transfer/user-transfer.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";

function engine() {
  return new MemoryEngine({
    store: new InMemoryMemoryStore(),
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
  });
}

const T1 = "2025-01-10T09:00:00.000Z";
const T2 = "2025-03-02T18:30:00.000Z";

describe("export and import of a user's memories", () => {
  it("round-trips facts, times, categories, edits and history under new ids", async () => {
    const source = engine();
    await source.add([], {
      userId: "ana",
      infer: false,
      time: T1,
      threadId: "t1",
      facts: [
        { text: "I keep bees.", category: "skill" },
        { text: "I live in Porto.", category: "profile" },
      ],
    });
    const [porto] = (await source.list({ userId: "ana" })).filter((m) => m.text.includes("Porto"));
    await source.update(porto.id, "I live in Lisbon.", { userId: "ana" });
    const doc = await exportUser(source, "ana");
    expect(doc.memories).toHaveLength(2);
    expect(doc.memories.every((m) => !("hash" in m) && !("indexText" in m))).toBe(true);

    const target = engine();
    const result = await importUser(target, "ana", ImportDocument.parse(JSON.parse(JSON.stringify(doc))));
    expect(result).toMatchObject({ imported: 2, alreadyPresent: 0, folded: 0 });
    const restored = await target.list({ userId: "ana" });
    expect(restored.map((m) => m.text).sort()).toEqual(["I keep bees.", "I live in Lisbon."]);
    for (const m of restored) {
      expect(m.createdAt).toBe(T1);
      expect(m.threadId).toBe("t1");
      expect(Object.values(result.ids)).toContain(m.id);
      expect(doc.memories.map((d) => d.id)).not.toContain(m.id);
    }
    expect(restored.find((m) => m.text === "I keep bees.")!.category).toBe("skill");
    const lisbon = restored.find((m) => m.text === "I live in Lisbon.")!;
    const history = (await exportUser(target, "ana")).memories.find((m) => m.id === lisbon.id)!.history;
    expect(history.map((h) => h.operation)).toEqual(["ADD", "UPDATE"]);
    expect(history[1]).toMatchObject({
      oldText: "I live in Porto.",
      newText: "I live in Lisbon.",
      userId: "ana",
      memoryId: lisbon.id,
    });
    expect((await target.search("bees", { userId: "ana" }))[0].memory.text).toBe("I keep bees.");
  });

  it("importing the same file twice adds nothing the second time", async () => {
    const source = engine();
    await source.add([], { userId: "ben", infer: false, facts: [{ text: "I play chess." }] });
    const doc = ImportDocument.parse(JSON.parse(JSON.stringify(await exportUser(source, "ben"))));
    const target = engine();
    await importUser(target, "ben", doc);
    const again = await importUser(target, "ben", doc);
    expect(again).toMatchObject({ imported: 0, alreadyPresent: 1, historyEntries: 0 });
    expect(await target.list({ userId: "ben" })).toHaveLength(1);
    expect((await exportUser(target, "ben")).memories[0].history).toHaveLength(1);
  });

  it("owns everything by the importing user: user ids and tenant metadata in the file are ignored", async () => {
    const target = engine();
    const doc = ImportDocument.parse({
      userId: "mallory",
      memories: [
        {
          id: "x1",
          userId: "mallory",
          text: "I like tea.",
          createdAt: T1,
          metadata: { user_id: "mallory", userId: "mallory", mood: "calm" },
          history: [
            {
              operation: "UPDATE",
              oldText: "I like coffee.",
              newText: "I like tea.",
              at: T2,
              userId: "mallory",
              memoryId: "elsewhere",
            },
          ],
        },
      ],
    });
    const result = await importUser(target, "carol", doc);
    const [tea] = await target.list({ userId: "carol" });
    expect(tea.userId).toBe("carol");
    expect(tea.metadata).toEqual({ mood: "calm" });
    expect(await target.list({ userId: "mallory" })).toEqual([]);
    const history = await target.history(result.ids.x1, { userId: "carol" });
    expect(history.every((h) => h.userId === "carol" && h.memoryId === tea.id)).toBe(true);
  });

  it("keeps a superseded fact as history of the fact that replaced it, not as a current memory", async () => {
    const target = engine();
    const doc = ImportDocument.parse({
      memories: [
        {
          id: "old",
          text: "I live in Porto.",
          createdAt: T1,
          validTo: T2,
          supersededBy: "new",
          history: [
            { operation: "ADD", newText: "I live in Porto.", at: T1 },
            { operation: "SUPERSEDE", oldText: "I live in Porto.", newText: "I live in Lisbon.", at: T2 },
          ],
        },
        {
          id: "new",
          text: "I live in Lisbon.",
          createdAt: T2,
          history: [{ operation: "ADD", newText: "I live in Lisbon.", at: T2 }],
        },
        { id: "orphan", text: "I had a cat.", createdAt: T1, validTo: T2, supersededBy: "missing" },
      ],
    });
    const result = await importUser(target, "dan", doc);
    expect(result).toMatchObject({ imported: 1, folded: 1 });
    expect((await target.list({ userId: "dan", includeHistory: true })).map((m) => m.text)).toEqual([
      "I live in Lisbon.",
    ]);
    const history = (await exportUser(target, "dan")).memories[0].history;
    expect(history.map((h) => `${h.operation} ${h.newText}`)).toEqual([
      "ADD I live in Porto.",
      "ADD I live in Lisbon.",
      "SUPERSEDE I live in Lisbon.",
    ]);
  });
});
