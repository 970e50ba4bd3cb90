import { describe, expect, it } from "vitest";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { MemoryEngine } from "../../src/memory/engine.js";
import type { ExtractionStyle } from "../../src/models/chat.js";
import { expiryFromWords } from "../../src/memory/expiry.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import { ScriptedChatModel } from "../helpers/scripted-model.js";

/** Wednesday 8 May 2024, 10:00 UTC. */
const SAID = "2024-05-08T10:00:00.000Z";

function engineWith(extractReply: string, style: ExtractionStyle, clock: { now: string }) {
  const model = new ScriptedChatModel((kind) => {
    if (kind !== "extract") throw new Error(`unexpected ${kind} prompt: the user has no related memories`);
    return extractReply;
  });
  const engine = new MemoryEngine({
    store: new InMemoryMemoryStore(),
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
    chatModel: model,
    extractionStyle: style,
    now: () => new Date(clock.now),
  });
  return { engine, model };
}

describe("expiry read from the user's own words (quotes style)", () => {
  it.each([
    ["I'm in Beijing this week.", "2024-05-13T00:00:00.000Z"],
    ["I'm going to the dentist on Friday.", "2024-05-11T00:00:00.000Z"],
    ["I'm so tired today.", "2024-05-09T00:00:00.000Z"],
    ["I have a meeting tomorrow.", "2024-05-10T00:00:00.000Z"],
    ["Next week I'm visiting my sister.", "2024-05-20T00:00:00.000Z"],
    ["我这周在北京。", "2024-05-13T00:00:00.000Z"],
    ["我周五要去看牙医。", "2024-05-11T00:00:00.000Z"],
    ["我下周二出差。", "2024-05-15T00:00:00.000Z"],
    ["我今天心情不好。", "2024-05-09T00:00:00.000Z"],
  ])("%s lapses at %s", (sentence, expiry) => {
    expect(expiryFromWords(sentence, SAID)).toBe(expiry);
  });

  it.each([
    "I live in Paris.",
    "I'm allergic to peanuts.",
    "I went hiking on Friday.",
    "I ran 5k today.",
    "我今天跑了五公里。",
    "我住在杭州。",
  ])("%s is lasting (a fact, or an event that stays true)", (sentence) => {
    expect(expiryFromWords(sentence, SAID)).toBeNull();
  });
});

describe("expiry set by the extraction and honoured by search and list", () => {
  it("facts style: the model's expiresAt is stored; past it search and list skip the memory, includeHistory and asOf still show it", async () => {
    const clock = { now: SAID };
    const reply = JSON.stringify({
      facts: [
        { text: "Is in Beijing this week", category: "event", about: "user", eventTime: null, expiresAt: "2024-05-13" },
        { text: "Lives in Hangzhou", category: "profile", about: "user", eventTime: null, expiresAt: null },
      ],
    });
    const { engine, model } = engineWith(reply, "facts", clock);
    await engine.add("I live in Hangzhou, and I'm in Beijing this week", { userId: "u", time: SAID });
    expect(model.callsOf("extract")).toHaveLength(1);
    const stored = await engine.list({ userId: "u" });
    expect(stored.find((m) => m.text.startsWith("Is in Beijing"))!.expiresAt).toBe("2024-05-13T00:00:00.000Z");
    expect(stored.find((m) => m.text.startsWith("Lives in"))!.expiresAt).toBeNull();
    expect((await engine.search("Beijing", { userId: "u" })).map((h) => h.memory.text)).toContain(
      "Is in Beijing this week",
    );

    clock.now = "2024-05-14T09:00:00.000Z";
    expect((await engine.search("Beijing Hangzhou", { userId: "u" })).map((h) => h.memory.text)).toEqual([
      "Lives in Hangzhou",
    ]);
    expect((await engine.list({ userId: "u" })).map((m) => m.text)).toEqual(["Lives in Hangzhou"]);
    expect(await engine.count({ userId: "u" })).toBe(1);
    expect((await engine.list({ userId: "u", includeHistory: true })).map((m) => m.text).sort()).toEqual([
      "Is in Beijing this week",
      "Lives in Hangzhou",
    ]);
    expect((await engine.search("Beijing", { userId: "u", includeHistory: true })).map((h) => h.memory.text)).toContain(
      "Is in Beijing this week",
    );
    expect(
      (await engine.search("Beijing", { userId: "u", asOf: "2024-05-10T00:00:00Z" })).map((h) => h.memory.text),
    ).toContain("Is in Beijing this week");
  });

  it("facts style: a wrongly written expiry costs the expiry, not the fact", async () => {
    const reply = JSON.stringify({
      facts: [{ text: "Feels tired", category: "other", about: "user", eventTime: null, expiresAt: "next Friday" }],
    });
    const { engine } = engineWith(reply, "facts", { now: SAID });
    await engine.add("I feel tired", { userId: "u", time: SAID });
    expect((await engine.list({ userId: "u" })).map((m) => [m.text, m.expiresAt])).toEqual([["Feels tired", null]]);
  });

  it("quotes style: the chosen sentence's words set the expiry", async () => {
    const clock = { now: SAID };
    const reply = JSON.stringify({ facts: ["我这周在北京出差。", "我住在杭州。"] });
    const { engine, model } = engineWith(reply, "quotes", clock);
    await engine.add("我这周在北京出差。我住在杭州。", { userId: "u", time: SAID });
    // The grammar-bound answer is still the plain list of the user's sentences.
    expect(model.callsOf("extract")).toHaveLength(1);
    const byText = Object.fromEntries((await engine.list({ userId: "u" })).map((m) => [m.text, m.expiresAt]));
    expect(byText).toEqual({ "我这周在北京出差。": "2024-05-13T00:00:00.000Z", "我住在杭州。": null });
    clock.now = "2024-05-13T00:00:00.000Z";
    expect((await engine.search("北京 杭州", { userId: "u" })).map((h) => h.memory.text)).toEqual(["我住在杭州。"]);
  });

  it("the no-LLM path takes expiresAt on a fact", async () => {
    const clock = { now: SAID };
    const { engine } = engineWith("{}", "facts", clock);
    await engine.add("", {
      userId: "u",
      infer: false,
      time: SAID,
      facts: [{ text: "Has a cold", expiresAt: "2024-05-12" }, { text: "Plays chess" }],
    });
    expect((await engine.list({ userId: "u" })).map((m) => m.text).sort()).toEqual(["Has a cold", "Plays chess"]);
    clock.now = "2024-05-12T00:00:00.000Z";
    expect((await engine.list({ userId: "u" })).map((m) => m.text)).toEqual(["Plays chess"]);
  });
});
