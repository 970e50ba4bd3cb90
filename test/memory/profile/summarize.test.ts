import { describe, expect, it } from "vitest";
import { modelSummary, rulesSummary } from "../../../src/memory/profile/summarize.js";
import type { MemoryRecord } from "../../../src/memory/types.js";
import { ScriptedChatModel } from "../../helpers/scripted-model.js";

/** Memories newest first, as the profile refresh gives them. */
function memories(items: [string, MemoryRecord["category"]][]): MemoryRecord[] {
  return items.map(
    ([text, category], i) =>
      ({
        id: `m${i}`,
        userId: "u",
        text,
        category,
        createdAt: `2026-01-${String(20 - i).padStart(2, "0")}T00:00:00Z`,
      }) as MemoryRecord,
  );
}

const profileModel = (answer: object) =>
  new ScriptedChatModel((kind) => (kind === "profile" ? JSON.stringify(answer) : JSON.stringify({ facts: [] })));

describe("constraints hold real constraints only, and every allergy", () => {
  const mixed = memories([
    ["My secret code word is pineapple.", "other"],
    ["我上个月搬到北京了。", "event"],
    ["I'm allergic to peanuts.", "other"],
    ["我对花生过敏。", "other"],
    ["I work as a nurse.", "profile"],
  ]);

  it("by the rules, in both languages", () => {
    const summary = rulesSummary(mixed);
    expect(summary.constraints).toEqual(["I'm allergic to peanuts.", "我对花生过敏。"]);
    expect(summary.focus).toEqual(["我上个月搬到北京了。"]);
    expect(summary.identity).toEqual(["I work as a nurse."]);
  });

  it("by the rules, an allergy is kept when constraints are full", () => {
    const many = memories([
      ["I'm vegan.", "preference"],
      ["I can't eat gluten.", "other"],
      ["我不能吃辣。", "other"],
      ["我是素食者。", "other"],
      ["I have asthma.", "other"],
      ["我不吃猪肉。", "other"],
      ["I'm allergic to shellfish.", "other"],
    ]);
    const summary = rulesSummary(many);
    expect(summary.constraints).toHaveLength(5);
    expect(summary.constraints[0]).toBe("I'm allergic to shellfish.");
  });

  it("a small model's sorting (quotes style): a line with no constraint cue leaves constraints, the allergies it left out come in", async () => {
    // What Gemma 3 270M answered: the code word and the move as constraints, the allergies nowhere.
    const model = profileModel({ identity: ["5"], preferences: ["3"], constraints: ["1", "2"], focus: [] });
    const summary = await modelSummary(model, mixed, { style: "quotes" });
    expect(summary.constraints).toEqual(["I'm allergic to peanuts.", "我对花生过敏。"]);
    // The move goes to the section of its category; the code word (other) to none.
    expect(summary.focus).toEqual(["我上个月搬到北京了。"]);
    expect(summary.preferences).toEqual([]);
    expect(summary.identity).toEqual(["I work as a nurse."]);
    expect(Object.values(summary).flat()).not.toContain("My secret code word is pineapple.");
  });

  it("a writing model (facts style): its constraint lines without a cue are dropped, its own allergy line is kept and not doubled", async () => {
    const model = profileModel({
      identity: ["Works as a nurse"],
      preferences: [],
      constraints: ["Secret code word: pineapple", "Allergic to peanuts"],
      focus: ["Moved to Beijing last month"],
    });
    const summary = await modelSummary(model, mixed, { style: "facts" });
    expect(summary.constraints).toEqual(["我对花生过敏。", "Allergic to peanuts"]);
    expect(summary.focus).toEqual(["Moved to Beijing last month"]);
  });
});
