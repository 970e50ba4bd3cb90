import { describe, expect, it } from "vitest";
import { scoreProbe, type ProbeTurn } from "../../bench/extract/probe-score.js";

const fact = (lang: "en" | "zh", text: string, facts: ProbeTurn["facts"]): ProbeTurn => ({ lang, text, facts });

describe("extraction probe scoring", () => {
  it("counts recall, precision, false memories, language and rejected outputs by the written rules", () => {
    const score = scoreProbe([
      {
        turn: fact("en", "I'm allergic to peanuts.", [[["allergic", "peanut"]]]),
        stored: ["I'm allergic to peanuts."],
        seconds: 1,
      },
      {
        turn: fact("en", "My sister Anna lives in Rome. She loves tea.", [[["anna"], ["sister"]], [["tea"]]]),
        stored: ["Anna lives in Rome", "Likes coffee"],
        seconds: 1,
      },
      { turn: fact("zh", "我对花生过敏。", [[["花生", "过敏"]]]), stored: ["Allergic to peanuts"], seconds: 1 },
      { turn: fact("zh", "你好。", []), stored: ["你好。"], seconds: 1 },
      { turn: fact("en", "Thanks!", []), stored: null, seconds: 1 },
    ]);
    expect(score.validOutputRate).toBe(0.8);
    expect(score.recall).toBe(0.5); // 2 of 4 expected facts
    expect(score.precision).toBe(0.5); // 2 of 4 stored facts on fact turns
    expect(score.falseMemories).toBe(1);
    expect(score.turnsWithFalseMemories).toBe(1);
    expect(score.languageKept).toBe(0.8); // the English fact from a Chinese turn is the one not kept
    expect(score.factsStored).toBe(5);
  });
});
