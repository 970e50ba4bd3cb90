import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { MemoryEngine } from "../../../src/memory/engine.js";
import { entityTimeline, findEntity } from "../../../src/memory/entities/map.js";
import type { ExtractionStyle } from "../../../src/models/chat.js";
import { messageText } from "../../../src/models/structured.js";
import { InMemoryEntityStore } from "../../../src/stores/in-memory/entities.js";
import { InMemoryMemoryStore } from "../../../src/stores/in-memory/memories.js";
import { ScriptedChatModel } from "../../helpers/scripted-model.js";

/**
 * The engine's real path (extraction → structural reconciliation → store → memory map) with a
 * scripted model: in quotes style (a small local model) it keeps every offered sentence and is
 * never asked to reconcile; in facts style it writes facts and proposes the decisions given.
 */
function engineWith(
  style: ExtractionStyle,
  script: { facts?: Record<string, string[]>; decisions?: unknown[][] } = {},
) {
  const decisions = [...(script.decisions ?? [])];
  const model = new ScriptedChatModel((kind, messages) => {
    const last = messageText(messages.at(-1)!);
    if (kind === "extract" && style === "quotes")
      return JSON.stringify({ facts: JSON.parse(last.replace(/^Sentences: /, "")) });
    if (kind === "extract") {
      const user = /<user>\n([\s\S]*?)\n<\/user>/.exec(last)?.[1] ?? "";
      return JSON.stringify({
        facts: (script.facts?.[user] ?? []).map((text) => ({
          text,
          category: "other",
          about: /^Sister/.test(text) ? "sister" : "user",
        })),
      });
    }
    if (kind === "reconcile") return JSON.stringify({ decisions: decisions.shift() ?? [] });
    return "{}";
  });
  let now = "2026-01-01T00:00:00.000Z";
  const engine = new MemoryEngine({
    store: new InMemoryMemoryStore(),
    entities: new InMemoryEntityStore(),
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
    chatModel: model,
    extractionStyle: style,
    halfLifeDays: 0,
    now: () => new Date(now),
  });
  const say = async (text: string, at: string) => {
    now = at;
    return (await engine.add(text, { userId: "u", time: at })).changes;
  };
  const current = async () => (await engine.list({ userId: "u" })).map((m) => m.text).sort();
  return { engine, model, say, current };
}

describe("memory that stays true with a small local model (rules decide)", () => {
  it("supersedes a move in English: the old fact leaves the current list, its history says why, the map agrees", async () => {
    const { engine, model, say, current } = engineWith("quotes");
    await say("Hi! I'm a nurse and I live in Lisbon. Any recipe ideas?", "2026-01-01T00:00:00.000Z");
    const changes = await say("Big news, I moved to Berlin last week!", "2026-02-01T00:00:00.000Z");
    expect(changes.map((c) => c.operation).sort()).toEqual(["ADD", "SUPERSEDE"]);
    expect(await current()).toEqual(["Big news, I moved to Berlin last week!", "I'm a nurse."]);
    expect(model.calls.filter((c) => c.kind === "reconcile")).toEqual([]);

    const old = (await engine.list({ userId: "u", includeHistory: true })).find((m) => m.text.includes("Lisbon"))!;
    const history = await engine.history(old.id, { userId: "u" });
    expect(history.at(-1)).toMatchObject({
      operation: "SUPERSEDE",
      reason: expect.stringMatching(/where they live: lisbon → berlin/),
    });

    const lisbon = (await findEntity(engine, "u", "Lisbon"))!;
    const berlin = (await findEntity(engine, "u", "Berlin"))!;
    const livesIn = async (e: typeof lisbon) =>
      (await entityTimeline(engine, "u", e)).relations.filter((r) => r.type === "lives in");
    expect((await livesIn(lisbon)).map((r) => r.validTo)).toEqual(["2026-02-01T00:00:00.000Z"]);
    expect((await livesIn(berlin)).map((r) => r.validTo)).toEqual([null]);
  });

  it("supersedes a move in Chinese, and the map closes 杭州 with the memory", async () => {
    const { engine, say, current } = engineWith("quotes");
    await say("我住在杭州。", "2026-01-01T00:00:00.000Z");
    await say("我上个月搬到北京了。", "2026-02-01T00:00:00.000Z");
    expect(await current()).toEqual(["我上个月搬到北京了。"]);
    const hangzhou = (await findEntity(engine, "u", "杭州"))!;
    const relations = (await entityTimeline(engine, "u", hangzhou)).relations.filter((r) => r.type === "lives in");
    expect(relations.map((r) => r.validTo)).toEqual(["2026-02-01T00:00:00.000Z"]);
  });

  it("keeps facts true against distractors: another person, a hypothetical, a question", async () => {
    const { engine, say, current } = engineWith("quotes");
    await say("I live in Lisbon. I work as a software engineer in Austin.", "2026-01-01T00:00:00.000Z");
    await say("My sister moved to Berlin.", "2026-01-02T00:00:00.000Z");
    await say("If I ever moved to Paris I'd have to learn French.", "2026-01-03T00:00:00.000Z");
    await say("Should I move to Denver?", "2026-01-04T00:00:00.000Z");
    expect(await current()).toEqual(
      expect.arrayContaining([
        "I live in Lisbon.",
        "I work as a software engineer in Austin.",
        "My sister moved to Berlin.",
      ]),
    );
    expect(
      await findEntity(engine, "u", "Paris")
        .then((e) => e && entityTimeline(engine, "u", e))
        .then((t) => t?.relations ?? []),
    ).toEqual([]);
  });

  it("ends a habit on a negation, and a correction restates the corrected memory", async () => {
    const { say, current } = engineWith("quotes");
    await say("我每天都喝咖啡", "2026-01-01T00:00:00.000Z");
    await say("我戒了咖啡", "2026-01-02T00:00:00.000Z");
    await say("我买了5号回老家的高铁票。", "2026-01-03T00:00:00.000Z");
    await say("票改签了，改到7号了", "2026-01-04T00:00:00.000Z");
    expect(await current()).toEqual(["我买了7号回老家的高铁票。", "我戒了咖啡", "票改签了，改到7号了"].sort());
  });
});

describe("memory that stays true with a capable model (the model decides, the slots check)", () => {
  it("a model ADD that contradicts a current single-valued fact becomes SUPERSEDE", async () => {
    const { say, current } = engineWith("facts", {
      facts: { "I live in Lisbon": ["User lives in Lisbon"], "We moved to Porto": ["User moved to Porto"] },
      decisions: [[{ fact: "A", action: "ADD" }]],
    });
    await say("I live in Lisbon", "2026-01-01T00:00:00.000Z");
    const changes = await say("We moved to Porto", "2026-02-01T00:00:00.000Z");
    expect(changes).toEqual([
      expect.objectContaining({ operation: "SUPERSEDE", oldText: "User lives in Lisbon", text: "User moved to Porto" }),
    ]);
    expect(await current()).toEqual(["User moved to Porto"]);
  });

  it("a model SUPERSEDE across subjects is refused, logged in history, and both facts stay current", async () => {
    const { engine, say, current } = engineWith("facts", {
      facts: { "I live in Lisbon": ["User lives in Lisbon"], "My sister moved to Berlin": ["Sister moved to Berlin"] },
      decisions: [[{ fact: "A", action: "SUPERSEDE", memory: 0 }]],
    });
    await say("I live in Lisbon", "2026-01-01T00:00:00.000Z");
    const [change] = await say("My sister moved to Berlin", "2026-02-01T00:00:00.000Z");
    expect(change.operation).toBe("ADD");
    expect(await current()).toEqual(["Sister moved to Berlin", "User lives in Lisbon"]);
    const [entry] = await engine.history(change.memoryId, { userId: "u" });
    expect(entry.reason).toMatch(/refused: it is about sister, the memory about user/);
  });
});

describe("the quotes extraction keeps what the rules read as a fact", () => {
  it("stores a message's first sentence even when the small model picks only the last", async () => {
    const model = new ScriptedChatModel((kind, messages) => {
      if (kind !== "extract") return "{}";
      const sentences: string[] = JSON.parse(messageText(messages.at(-1)!).replace(/^Sentences: /, ""));
      return JSON.stringify({ facts: sentences.slice(-1) });
    });
    const engine = new MemoryEngine({
      store: new InMemoryMemoryStore(),
      embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
      dims: 16,
      chatModel: model,
      extractionStyle: "quotes",
    });
    await engine.add("I live in Lisbon with two cats. My sister is visiting next week.", { userId: "u" });
    await engine.add("我住在杭州，在阿里上班。今天好累啊，想吃火锅。", { userId: "v" });
    expect((await engine.list({ userId: "u" })).map((m) => m.text)).toContain("I live in Lisbon with two cats.");
    expect((await engine.list({ userId: "v" })).map((m) => m.text)).toContain("我住在杭州，在阿里上班。");
  });
});

describe("a lasting fact does not expire with the day its sentence names", () => {
  it("keeps 'I work at Target and today was inventory day' lasting, while a plan for today expires", async () => {
    const { engine, say } = engineWith("quotes");
    await say(
      "I work at Target and today was inventory day. I have a dentist appointment today.",
      "2026-03-02T09:00:00.000Z",
    );
    const byText = new Map(
      (await engine.list({ userId: "u", includeHistory: true })).map((m) => [m.text, m.expiresAt]),
    );
    expect(byText.get("I work at Target and today was inventory day.")).toBeNull();
    expect(byText.get("I have a dentist appointment today.")).toEqual(expect.stringMatching(/^2026-03-03/));
  });
});
