import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { messageText } from "../../../src/models/structured.js";
import { MemoryEngine } from "../../../src/memory/engine.js";
import { entityTimeline, findEntity, listEntities, memoryMap } from "../../../src/memory/entities/map.js";
import { InMemoryEntityStore } from "../../../src/stores/in-memory/entities.js";
import { InMemoryMemoryStore } from "../../../src/stores/in-memory/memories.js";
import { exportUser, importUser } from "../../../src/app/transfer/user-transfer.js";
import { ImportDocument } from "../../../src/app/transfer/format.js";
import { ScriptedChatModel, type Script } from "../../helpers/scripted-model.js";

/**
 * Extraction answers from a table (user text → facts with the
 * model's entities); reconcile ADDs, or SUPERSEDEs memory 0 when asked to.
 */
function scripted(facts: Record<string, unknown[]>, supersede = false): ScriptedChatModel {
  const script: Script = (kind, messages) => {
    const last = messageText(messages.at(-1)!);
    if (kind === "extract") {
      const user = /<user>\n([\s\S]*?)\n<\/user>/.exec(last)?.[1] ?? "";
      return JSON.stringify({ facts: facts[user] ?? [] });
    }
    const letters = [...last.matchAll(/^\(([A-Z]\d*)\)/gm)].map((m) => m[1]);
    const known = /^\[0\]/m.test(last);
    return JSON.stringify({
      decisions: letters.map((fact) =>
        supersede && known
          ? { fact, action: "SUPERSEDE", memory: 0, text: "I work at Acme as a lead now." }
          : { fact, action: "ADD" },
      ),
    });
  };
  return new ScriptedChatModel(script);
}

function engineWith(chatModel?: ScriptedChatModel, now = "2026-01-01T00:00:00.000Z") {
  return new MemoryEngine({
    store: new InMemoryMemoryStore(),
    entities: new InMemoryEntityStore(),
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
    chatModel,
    now: () => new Date(now),
  });
}

describe("entities on the LLM path", () => {
  it("stores the entities and relations the model gave, under the model's names", async () => {
    const model = scripted({
      "My sister Mel is a nurse at St Mary's.": [
        {
          text: "The user's sister Mel is a nurse at St Mary's",
          category: "relationship",
          about: "sister",
          entities: [
            { name: "Mel", kind: "person", role: "sister" },
            { name: "St Mary's", kind: "organisation" },
          ],
          relations: [{ from: "Mel", type: "works at", to: "St Mary's" }],
        },
      ],
    });
    const engine = engineWith(model);
    await engine.add("My sister Mel is a nurse at St Mary's.", { userId: "u" });
    const entities = await listEntities(engine, "u");
    expect(entities.map((e) => [e.name, e.kind, e.memories])).toEqual(
      expect.arrayContaining([
        ["Mel", "person", 1],
        ["St Mary's", "organisation", 1],
      ]),
    );
    // "my sister" now resolves to Mel.
    expect((await findEntity(engine, "u", "Mel"))?.aliases).toContain("role:user:sister");
    const map = await memoryMap(engine, "u");
    const name = (id: string) => map.nodes.find((n) => n.id === id)?.name;
    expect(map.edges.map((e) => [name(e.from), e.type, name(e.to)])).toEqual([["Mel", "works at", "St Mary's"]]);
  });

  it("falls back to the deterministic extractor when the model names no entity", async () => {
    const model = scripted({
      "I adopted a cat named Luna.": [{ text: "I adopted a cat named Luna.", category: "event" }],
    });
    const engine = engineWith(model);
    await engine.add("I adopted a cat named Luna.", { userId: "u" });
    expect((await listEntities(engine, "u")).map((e) => [e.name, e.kind])).toEqual([["Luna", "pet"]]);
  });

  it("supersedes a one-at-a-time relation instead of deleting it, and keeps the old memory on the timeline", async () => {
    const facts = {
      "I live in Berlin.": [
        {
          text: "I live in Berlin.",
          category: "profile",
          relations: [{ from: "user", type: "lives in", to: "Berlin" }],
          entities: [{ name: "Berlin", kind: "place" }],
        },
      ],
      "I moved to Paris.": [
        {
          text: "I moved to Paris.",
          category: "profile",
          relations: [{ from: "user", type: "lives in", to: "Paris" }],
          entities: [{ name: "Paris", kind: "place" }],
        },
      ],
    };
    const first = engineWith(scripted(facts), "2026-01-01T00:00:00.000Z");
    await first.add("I live in Berlin.", { userId: "u", time: "2026-01-01T00:00:00.000Z" });
    await first.add("I moved to Paris.", { userId: "u", time: "2026-03-01T00:00:00.000Z" });
    const map = await memoryMap(first, "u");
    const name = (id: string) => map.nodes.find((n) => n.id === id)?.name;
    const livesIn = map.edges.filter((e) => e.type === "lives in").map((e) => [name(e.to), e.validTo]);
    expect(livesIn).toEqual(
      expect.arrayContaining([
        ["Berlin", "2026-03-01T00:00:00.000Z"],
        ["Paris", null],
      ]),
    );
    const current = await first.entities!.store.relations("u");
    expect(current.map((r) => name(r.toId))).toEqual(["Paris"]);
  });

  it("a superseded memory stays linked to its entities", async () => {
    const facts = {
      "I work at Acme.": [
        { text: "I work at Acme.", category: "profile", entities: [{ name: "Acme", kind: "organisation" }] },
      ],
      "I work at Acme as a lead now.": [
        {
          text: "I work at Acme as a lead now.",
          category: "profile",
          entities: [{ name: "Acme", kind: "organisation" }],
        },
      ],
    };
    const engine = engineWith(scripted(facts, true));
    await engine.add("I work at Acme.", { userId: "u", time: "2025-01-01T00:00:00.000Z" });
    await engine.add("I work at Acme as a lead now.", { userId: "u", time: "2025-06-01T00:00:00.000Z" });
    const acme = (await findEntity(engine, "u", "acme"))!;
    const timeline = await entityTimeline(engine, "u", acme);
    expect(timeline.memories.map((m) => [m.text, m.validTo === null])).toEqual([
      ["I work at Acme.", false],
      ["I work at Acme as a lead now.", true],
    ]);
  });
});

describe("normalisation per user (no-LLM path)", () => {
  it("links 'my sister' to her name once it is said, and merges the earlier role entity", async () => {
    const engine = engineWith();
    await engine.add("", { userId: "u", infer: false, facts: [{ text: "I had lunch with my sister." }] });
    await engine.add("", { userId: "u", infer: false, facts: [{ text: "My sister Melanie is a nurse." }] });
    await engine.add("", { userId: "u", infer: false, facts: [{ text: "I called my sister today." }] });
    const entities = await listEntities(engine, "u");
    expect(entities.map((e) => [e.name, e.memories])).toEqual([["Melanie", 3]]);
  });

  it("a sister named with 叫 or 'is called' is an entity of her own, found by her name (我妹妹叫小红, my sister is called Anna)", async () => {
    const engine = engineWith();
    await engine.add("", {
      userId: "u",
      infer: false,
      facts: [{ text: "我妹妹叫小红。" }, { text: "My sister's name is Anna." }],
    });
    expect((await findEntity(engine, "u", "小红"))?.aliases).toContain("role:user:妹妹");
    expect((await findEntity(engine, "u", "Anna"))?.aliases).toContain("role:user:sister");
    expect((await listEntities(engine, "u")).map((e) => e.name).sort()).toEqual(["Anna", "小红"]);
  });

  it("links a name learned late to the memories that opened with it before it was known", async () => {
    const engine = engineWith();
    // A sentence's first word is a name only once the user has that entity: here Jon is not known yet.
    await engine.add("", {
      userId: "u",
      infer: false,
      facts: [{ text: "Jon lost his job as a banker." }, { text: "Painting relaxes me." }],
    });
    expect(await listEntities(engine, "u")).toEqual([]);
    // The same batch, earlier than the mention that teaches the name, and "Jon's" as one token.
    await engine.add("", {
      userId: "u",
      infer: false,
      facts: [{ text: "Jon's favourite dance is contemporary." }, { text: "Gina went dancing with Jon." }],
    });
    const jon = await findEntity(engine, "u", "Jon");
    const timeline = await entityTimeline(engine, "u", jon!);
    expect(timeline.memories.map((m) => m.text).sort()).toEqual([
      "Gina went dancing with Jon.",
      "Jon lost his job as a banker.",
      "Jon's favourite dance is contemporary.",
    ]);
    // "Painting" opened a sentence too, but no text ever used it as a name.
    expect((await listEntities(engine, "u")).map((e) => [e.name, e.memories])).toEqual([["Jon", 3]]);
  });

  it("does not link a transcript line to the one it speaks to, but learns the name (English and Chinese)", async () => {
    const engine = engineWith();
    await engine.add("", {
      userId: "u",
      infer: false,
      facts: [
        { text: "Melanie: Thanks, Caroline! We went camping." },
        { text: "Caroline: I painted a sunset." },
        { text: "梅兰妮：哇，太棒了，卡罗琳！我们去露营了。" },
        { text: "卡罗琳：我画了一幅日落。" },
      ],
    });
    const count = async (name: string) => (await listEntities(engine, "u")).find((e) => e.name === name)?.memories;
    expect(await count("Caroline")).toBe(1);
    expect(await count("卡罗琳")).toBe(1);
    // Addressed only, the name is still learned: a later line opening with it is linked.
    await engine.add("", { userId: "u", infer: false, facts: [{ text: "Caroline: That's great, Jon!" }] });
    expect(await count("Jon")).toBe(0);
    await engine.add("", { userId: "u", infer: false, facts: [{ text: "Jon called me yesterday." }] });
    expect(await count("Jon")).toBe(1);
    // A question that only speaks to someone is not about them.
    expect((await engine.entities!.entitiesIn("u", "Thanks, Caroline! What did Jon say?")).map((e) => e.name)).toEqual([
      "Jon",
    ]);
  });

  it("takes one transcription of a Chinese name for another (梅兰妮 / 梅拉妮), not a different name", async () => {
    const engine = engineWith();
    await engine.add("", {
      userId: "u",
      infer: false,
      facts: [
        { text: "我的妹妹梅兰妮下周来看我。" },
        { text: "我和梅拉妮一起去了公园。" },
        { text: "我和梅丽莎一起吃饭。" },
      ],
    });
    const entities = await listEntities(engine, "u");
    expect(entities.find((e) => e.name === "梅兰妮")?.memories).toBe(2);
    expect(entities.find((e) => e.name === "梅兰妮")?.aliases).toContain("梅拉妮");
    // Two characters differ: another person.
    expect(entities.find((e) => e.name === "梅丽莎")?.memories).toBe(1);
  });

  it("keeps each user's entities apart", async () => {
    const engine = engineWith();
    await engine.add("", { userId: "a", infer: false, facts: [{ text: "My sister Melanie lives in Paris." }] });
    await engine.add("", { userId: "b", infer: false, facts: [{ text: "My brother Tom lives in Rome." }] });
    expect((await listEntities(engine, "a")).map((e) => e.name).sort()).toEqual(["Melanie", "Paris"]);
    expect((await listEntities(engine, "b")).map((e) => e.name).sort()).toEqual(["Rome", "Tom"]);
    expect(await findEntity(engine, "b", "Melanie")).toBeUndefined();
    await engine.forgetUser("a");
    expect(await listEntities(engine, "a")).toEqual([]);
    expect(await listEntities(engine, "b")).toHaveLength(2);
  });

  it("export carries each memory's entities and the relations; import re-creates them", async () => {
    const engine = engineWith();
    await engine.add("", {
      userId: "a",
      infer: false,
      facts: [{ text: "My sister Melanie lives in Paris." }, { text: "I live in Berlin." }],
    });
    const doc = await exportUser(engine, "a");
    expect(doc.memories.find((m) => m.text.startsWith("My sister"))?.entities).toEqual(
      expect.arrayContaining([{ name: "Melanie", kind: "person", role: "sister" }]),
    );
    expect(doc.relations).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: "Melanie", type: "sister of", to: "user" })]),
    );
    const other = engineWith();
    await importUser(other, "c", ImportDocument.parse(JSON.parse(JSON.stringify(doc))));
    const map = await memoryMap(other, "c");
    const name = (id: string) => map.nodes.find((n) => n.id === id)?.name;
    expect(map.edges.map((e) => [name(e.from), e.type, name(e.to)])).toEqual(
      expect.arrayContaining([
        ["Melanie", "sister of", "you"],
        ["you", "lives in", "Berlin"],
      ]),
    );
  });
});

describe("entity expansion in search", () => {
  it("brings in memories about the entity the question names even when their words do not match", async () => {
    const facts = [
      ...Array.from({ length: 100 }, (_, i) => ({ text: `I like recipe number ${i} for dinner.` })),
      { text: "My sister Melanie paints." },
      // About her, with no word in common with the question: "my sister" is Melanie by now.
      { text: "I visited my sister in June." },
    ];
    const question = "What does Melanie like?";
    const top = async (engine: MemoryEngine) => {
      await engine.add("", { userId: "u", infer: false, facts });
      return (await engine.search(question, { userId: "u", limit: 3 })).map((h) => h.memory.text);
    };
    const plain = new MemoryEngine({
      store: new InMemoryMemoryStore(),
      embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
      dims: 16,
    });
    expect(await top(plain)).not.toContain("I visited my sister in June.");
    expect(await top(engineWith())).toEqual(
      expect.arrayContaining(["My sister Melanie paints.", "I visited my sister in June."]),
    );
  });
});
