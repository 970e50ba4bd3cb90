import { describe, expect, it } from "vitest";
import { readSlots, remainderWithout } from "../../../src/memory/slots/read.js";
import { statedFacts } from "../../../src/memory/slots/stated.js";

const slotsOf = (text: string) =>
  readSlots(text).slots.map((s) => `${s.subject}|${s.attribute}|${s.negated ? "not " : ""}${s.value}`);

describe("slots: what a sentence says holds now", () => {
  it.each([
    ["I live in Lisbon.", ["user|residence|lisbon"]],
    ["I moved to Berlin last week.", ["user|residence|berlin"]],
    ["Actually I no longer live in Lisbon, I live in Porto.", ["user|residence|not lisbon", "user|residence|porto"]],
    ["Haha ok, well we live in Phoenix now so I guess the tire question is moot.", ["user|residence|phoenix"]],
    [
      "I'm a backend engineer at Shopify, mostly Ruby these days.",
      ["user|employer|shopify", "user|job|backend engineer"],
    ],
    ["I started a new job at Stripe!", ["user|employer|stripe"]],
    ["I no longer play tennis", ["user|habit:tenni|not "]],
    ["I quit coffee last month.", ["user|habit:coffe|not "]],
    ["I got engaged!", ["user|relationship|engaged"]],
    ["I'm vegan now.", ["user|diet|vegan"]],
    ["My son Leo is 5.", ["leo|age|5"]],
    ["I'm 34 years old.", ["user|age|34"]],
    ["The team meeting is on Tuesday at 10am.", ["user|plan:meeting|tuesday"]],
    ["My sister moved to Berlin.", ["sister|residence|berlin"]],
  ])("English: %s", (text, expected) => {
    expect(slotsOf(text)).toEqual(expected);
  });

  it.each([
    ["我上个月搬到北京了。", ["user|residence|北京"]],
    ["我现在住在北京，不住在杭州了。", ["user|residence|北京", "user|residence|not 杭州"]],
    ["我在杭州住了五年了", ["user|residence|杭州"]],
    ["在吗 我住杭州，养了只橘猫叫胖虎", ["user|residence|杭州", "user|pet:胖虎|yes"]],
    ["换工作了，现在在字节", ["user|employer|字节"]],
    ["我搬到上海了，现在在字节跳动上班。", ["user|residence|上海", "user|employer|字节跳动"]],
    ["我现在在腾讯当产品经理", ["user|employer|腾讯", "user|job|产品经理"]],
    ["我现在在杭州生活", ["user|residence|杭州"]],
    ["我在在线教育公司工作", ["user|employer|在线教育公司"]],
    ["我正在在线教育公司实习", ["user|employer|在线教育公司"]],
    ["我在阿里做前端，最近下班在自学rust", ["user|employer|阿里", "user|job|前端"]],
    ["我升职了，现在是产品经理", ["user|job|产品经理"]],
    ["我戒了咖啡", ["user|habit:咖啡|not "]],
    ["我已经不打网球了", ["user|habit:网球|not "]],
    ["朵朵今年五岁", ["朵朵|age|5"]],
    ["朵朵是六岁不是五岁", ["朵朵|age|6"]],
    ["我们分手了", ["user|relationship|single"]],
    ["我妹妹搬去上海了", ["妹妹|residence|上海"]],
  ])("Chinese: %s", (text, expected) => {
    expect(slotsOf(text)).toEqual(expected);
  });

  it.each([
    ["If I ever moved to Paris I'd have to learn French", "hypothetical"],
    ["Should I move to Denver?", "question"],
    ["I'm thinking about moving to Austin.", "plan"],
    ["When I was a kid I lived in Ohio.", "past"],
    ["My friend said 'I live in Tokyo now'", "quoted"],
    ["要是我当年去了上海，现在肯定不一样", "hypothetical"],
    ["你觉得我该不该辞职？", "question"],
    ["我在考虑要不要换工作", "plan"],
    ["我小时候住在农村", "past"],
    ["我同事说他下个月搬去深圳", "quoted"],
  ])("a hedged clause states nothing: %s", (text, hedge) => {
    const reading = readSlots(text);
    expect(reading.slots).toEqual([]);
    expect(reading.hedges).toContain(hedge);
  });

  it("reads corrections that name only a value", () => {
    expect(readSlots("Sorry, I meant Thursday.").correction).toEqual({ kind: "weekday", value: "thursday" });
    expect(readSlots("说错了，是周四").correction).toEqual({ kind: "weekday", value: "周四" });
    expect(readSlots("不是周二，是周四").correction).toEqual({ kind: "weekday", value: "周四", old: "周二" });
    expect(readSlots("Sorry, typo: I said Milwaukee but I'm actually in Madison.").correction).toEqual({
      kind: "name",
      value: "madison",
      old: "Milwaukee",
    });
    expect(readSlots("I meant the blue one.").correction).toBeUndefined();
  });

  it("keeps what a closed memory still says, with the new value where the clause says more", () => {
    const home = (value: string) => ({ subject: "user", attribute: "residence", value, negated: false });
    const toBerlin = (text: string) =>
      remainderWithout(text, [{ old: home("lisbon"), next: home("berlin") }], "I moved to Berlin.");
    expect(toBerlin("I'm a nurse and I live in Lisbon.")).toBe("I'm a nurse.");
    expect(
      remainderWithout("我住杭州，养了只橘猫叫胖虎。", [{ old: home("杭州"), next: home("北京") }], "我搬到北京了"),
    ).toBe("养了只橘猫叫胖虎。");
    expect(toBerlin("I live in Lisbon.")).toBeUndefined();
    // "last week" was the move's time, not something else the user said.
    expect(toBerlin("I moved to Lisbon last week.")).toBeUndefined();
    // Two values changed at once: neither clause stays, nor a clause naming both with nothing else.
    const job = (value: string) => ({ subject: "user", attribute: "employer", value, negated: false });
    const moveAndJob = [
      { old: home("杭州"), next: home("上海") },
      { old: job("阿里巴巴"), next: job("字节跳动") },
    ];
    expect(
      remainderWithout("我叫小林，我住在杭州，在阿里巴巴工作。", moveAndJob, "我搬到上海了，现在在字节跳动上班。"),
    ).toBe("我叫小林。");
    const salary = (value: string) => ({ subject: "user", attribute: "salary", value, negated: false });
    expect(
      remainderWithout(
        "I make $62k a year as a lab technician in Raleigh.",
        [{ old: salary("$62k"), next: salary("$70k") }],
        "I'm at $70K now",
      ),
    ).toBe("I make $70K a year as a lab technician in Raleigh.");
    const coffee = { subject: "user", attribute: "habit:coffe", value: "coffe", negated: false };
    expect(
      remainderWithout(
        "I'm a math teacher and I run on coffee.",
        [{ old: coffee, next: { ...coffee, value: "", negated: true } }],
        "I quit caffeine",
      ),
    ).toBe("I'm a math teacher.");
  });

  it("finds the statements of a message the quotes extraction must keep, first sentences and clauses before a question included", () => {
    expect(
      statedFacts("I live in Minneapolis and drive a Subaru Outback, do I really need them or are all-seasons fine?"),
    ).toEqual(["I live in Minneapolis and drive a Subaru Outback."]);
    expect(statedFacts("我住杭州，你知道哪里有好吃的吗？")).toEqual(["我住杭州。"]);
    expect(statedFacts("Hi! I moved to Berlin last week. Any tips for bakeries?")).toEqual([
      "I moved to Berlin last week.",
    ]);
    expect(statedFacts("If I ever moved to Paris I'd have to learn French. hello")).toEqual([]);
    expect(statedFacts("跟你说个事，我上个月搬到北京了，这边暖气太足了")).toEqual([
      "跟你说个事，我上个月搬到北京了，这边暖气太足了",
    ]);
  });
});

describe("chat sentences and plans", () => {
  it("splits a lower-case chat message into its sentences, so a trailing question does not swallow the statements", async () => {
    const { chatSentences } = await import("../../../src/memory/sentences.js");
    expect(
      chatSentences("day 40 without a cigarette 🎉 not touching them again. weirdly my taste is back. is that real?"),
    ).toEqual(["day 40 without a cigarette 🎉 not touching them again.", "weirdly my taste is back.", "is that real?"]);
    expect(statedFacts("day 40 without a single cigarette 🎉 not touching them again. is that a real thing?")).toEqual([
      "day 40 without a single cigarette 🎉 not touching them again.",
    ]);
  });

  it("reads a plan's date under a future word, which hedges the rest", () => {
    expect(slotsOf("下周三下午两点要跟客户开会")).toEqual(["user|plan:会|周三"]);
    expect(slotsOf("I'm moving to Austin next month.")).toEqual([]);
  });
});
