/**
 * Importing what is already there adds nothing: a user's memories made every way the product makes
 * them (turns through the model with a supersede and what stayed of it, an edit, facts given ready
 * with and without a source, English and Chinese) are exported, then imported back into the same
 * user three times, and into a fresh user three times. Every import after the first must leave the
 * memories (and their history) as they were. On a real SQLite file, and on a real Qdrant when
 * QDRANT_URL is set. PostgreSQL holds the queue, locks and checkpoints, never memories.
 */
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryEngine } from "../../src/memory/engine.js";
import type { MemoryStore } from "../../src/memory/store.js";
import { ImportDocument } from "../../src/app/transfer/format.js";
import { exportUser, importUser } from "../../src/app/transfer/user-transfer.js";
import { QdrantMemoryStore } from "../../src/stores/qdrant/memories.js";
import { collectionNames } from "../../src/stores/qdrant/collections.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { rememberingScript, ScriptedChatModel } from "../helpers/scripted-model.js";
import { recordFigure } from "./figures.js";

const dir = mkdtempSync(join(tmpdir(), "memory-chat-reimport-"));
const QDRANT_URL = process.env.QDRANT_URL;
const qdrantCollection = `memory_chat_reimport_${randomUUID().slice(0, 8)}`;
if (!QDRANT_URL)
  console.log("skipped (Qdrant part): no QDRANT_URL; start Qdrant and set QDRANT_URL=http://127.0.0.1:6333 to run it");

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (QDRANT_URL) {
    for (const name of Object.values(collectionNames(qdrantCollection))) {
      await fetch(`${QDRANT_URL}/collections/${name}`, { method: "DELETE" }).catch(() => undefined);
    }
  }
});

function engineOn(store: MemoryStore): MemoryEngine {
  return new MemoryEngine({
    store,
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
    chatModel: new ScriptedChatModel(rememberingScript),
  });
}

/** Memories made every way the product makes them. */
async function madeEveryWay(engine: MemoryEngine, userId: string): Promise<void> {
  let turn = 0;
  const say = (text: string) =>
    engine.add(text, { userId, sourceId: `message-${++turn}`, threadId: "t1", time: `2025-0${turn}-01T10:00:00Z` });
  await say("I'm a nurse and I live in Lisbon.");
  await say("I live in Berlin now.");
  await say("我住在杭州。");
  await say("我现在住在北京，不住在杭州了。");
  await say("My sister Ana plays the cello.");
  const [cello] = (await engine.list({ userId })).filter((m) => m.text.includes("cello"));
  await engine.update(cello.id, "My sister Ana plays the violin.", { userId });
  await engine.add([], {
    userId,
    infer: false,
    facts: [{ text: "I keep bees." }, { text: "我喜欢喝茶。", sourceId: "crm-7" }],
  });
}

async function state(engine: MemoryEngine, userId: string) {
  const all = await engine.list({ userId, includeHistory: true });
  const history = await Promise.all(all.map((m) => engine.history(m.id, { userId })));
  return {
    current: (await engine.list({ userId })).map((m) => m.text).sort(),
    all: all.length,
    history: history.flat().length,
  };
}

const backends: { name: string; open: () => MemoryStore }[] = [
  { name: "SQLite", open: () => new SqliteMemoryStore(join(dir, "memory.db")) },
  ...(QDRANT_URL
    ? [
        {
          name: "Qdrant",
          open: () => new QdrantMemoryStore({ url: QDRANT_URL, collection: qdrantCollection }) as MemoryStore,
        },
      ]
    : []),
];

describe("importing the same export again adds nothing", () => {
  for (const backend of backends) {
    it(`${backend.name}: into the user it came from and into a fresh user, three times each`, async () => {
      const engine = engineOn(backend.open());
      await madeEveryWay(engine, "xiaoming");
      const before = await state(engine, "xiaoming");
      // Berlin was superseded by 杭州, and 杭州 by 北京: one residence stays current.
      expect(before.current.filter((t) => /live in|住在/.test(t))).toEqual(["我现在住在北京，不住在杭州了。"]);
      expect(before.current).toContain("我现在住在北京，不住在杭州了。");
      expect(before.current).toContain("I'm a nurse.");
      const doc = ImportDocument.parse(JSON.parse(JSON.stringify(await exportUser(engine, "xiaoming"))));

      let added = 0;
      for (let n = 1; n <= 3; n++) {
        const result = await importUser(engine, "xiaoming", doc);
        expect(result.imported).toBe(0);
        expect(result.alreadyPresent).toBe(before.current.length);
        const after = await state(engine, "xiaoming");
        added += after.all - before.all + (after.history - before.history);
        expect(after).toEqual(before);
      }
      recordFigure({
        group: "import",
        name: `memories or history lines added by re-importing a user's own export 3 times (${backend.name})`,
        value: added,
        goal: 0,
      });

      const first = await importUser(engine, "copy-of-xiaoming", doc);
      expect(first.imported).toBe(before.current.length);
      const copied = await state(engine, "copy-of-xiaoming");
      expect(copied.current).toEqual(before.current);
      let addedToCopy = 0;
      for (let n = 2; n <= 3; n++) {
        await importUser(engine, "copy-of-xiaoming", doc);
        const again = await state(engine, "copy-of-xiaoming");
        addedToCopy += again.all - copied.all + (again.history - copied.history);
        expect(again).toEqual(copied);
      }
      // And the copy's own export, imported into the copy, adds nothing either.
      const copyDoc = ImportDocument.parse(JSON.parse(JSON.stringify(await exportUser(engine, "copy-of-xiaoming"))));
      await importUser(engine, "copy-of-xiaoming", copyDoc);
      const last = await state(engine, "copy-of-xiaoming");
      addedToCopy += last.all - copied.all + (last.history - copied.history);
      expect(last).toEqual(copied);
      recordFigure({
        group: "import",
        name: `memories or history lines added by importing 2nd and 3rd times into a fresh user (${backend.name})`,
        value: addedToCopy,
        goal: 0,
      });
    });
  }
});
