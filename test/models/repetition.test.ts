import { describe, expect, it } from "vitest";
import { repetitionCut, settledLength } from "../../src/models/repetition.js";

const kept = (text: string) => {
  const cut = repetitionCut(text);
  return cut === null ? null : text.slice(0, cut).trimEnd();
};

describe("repetitionCut", () => {
  it("keeps the first two of a sentence said again and again", () => {
    const line = "I'm happy to assist you with your creative writing project.";
    expect(kept(Array(40).fill(line).join(" "))).toBe(`${line} ${line}`);
  });

  it("cuts a short sentence at its third time", () => {
    expect(kept("Sure. I can help. I can help. I can help. I can help.")).toBe("Sure. I can help. I can help.");
  });

  it("cuts a run of eight words met a third time inside longer sentences", () => {
    const text =
      "The sea is deep and the waves are high tonight, said Ann. " +
      "Then she said the sea is deep and the waves are high again. " +
      "And once more the sea is deep and the waves are high forever.";
    expect(kept(text)).toBe(
      "The sea is deep and the waves are high tonight, said Ann. Then she said the sea is deep and the waves are high again. And once more",
    );
  });

  it("leaves an answer alone that says something twice", () => {
    const text =
      "Weather is what happens today. Climate is the average over years. Weather is what happens today. Climate is the average over years.";
    expect(repetitionCut(text)).toBeNull();
  });

  it("leaves short repeats and lists alone", () => {
    expect(repetitionCut("Yes. Yes. Yes. Yes.")).toBeNull();
    expect(
      repetitionCut("1. Practice every day.\n2. Learn songs you like.\n3. Play with friends.\n4. Record yourself."),
    ).toBeNull();
    expect(repetitionCut("好的！好的！好的！")).toBeNull();
  });

  it("cuts Chinese clauses and phrases", () => {
    expect(kept("大海是一个美丽的地方，美丽的独立，美丽的独立，美丽的独立，美丽的独立")).toBe(
      "大海是一个美丽的地方，美丽的独立，美丽的独立，",
    );
    const line = "在这里，我可以提供一个有意义的说法";
    expect(kept(Array(6).fill(line).join("，"))).toBe(`${line}，${line}，`);
  });

  it("keeps two of a long run of one symbol", () => {
    expect(kept("美好的气候；；；；；；；；；；；；")).toBe("美好的气候；；");
    expect(repetitionCut("Wow!!! Really...")).toBeNull();
  });

  it("ignores case and the mark that ends a sentence", () => {
    expect(kept("Hello there friend. hello THERE friend! HELLO there friend? Bye.")).toBe(
      "Hello there friend. hello THERE friend!",
    );
  });
});

describe("settledLength", () => {
  it("holds back the last nine words, where a cut could still fall", () => {
    const text = "one two three four five six seven eight nine ten eleven twelve";
    expect(text.slice(0, settledLength(text))).toBe("one two three ");
    expect(settledLength("a short answer")).toBe(0);
  });

  it("never shows text that a later cut takes back", () => {
    const answer = Array(10).fill("I'm happy to assist you with your creative writing project.").join(" ");
    let text = "";
    let shown = 0;
    for (const token of answer.match(/\S+\s*/g)!) {
      text += token;
      const cut = repetitionCut(text);
      if (cut !== null) {
        expect(shown).toBeLessThanOrEqual(cut);
        return;
      }
      shown = Math.max(shown, settledLength(text));
    }
    throw new Error("no cut");
  });
});
