import { describe, expect, it } from "vitest";
import { chineseNumber, parseTimeRange } from "../../src/memory/time-range.js";

const now = new Date("2025-03-12T10:00:00Z"); // a Wednesday
const expectRange = (cases: Array<[string, string, string]>, at = now) => {
  for (const [text, gte, lt] of cases) expect(parseTimeRange(text, at), text).toMatchObject({ gte, lt });
};

describe("parseTimeRange: Chinese", () => {
  it("reads relative days, weeks, months and years", () => {
    expectRange([
      ["我上个月去了哪里？", "2025-02-01", "2025-03-01"],
      ["上月", "2025-02-01", "2025-03-01"],
      ["上上个月买的书", "2025-01-01", "2025-02-01"],
      ["上周做了什么", "2025-03-03", "2025-03-10"],
      ["上个星期", "2025-03-03", "2025-03-10"],
      ["上上周", "2025-02-24", "2025-03-03"],
      ["这周", "2025-03-10", "2025-03-17"],
      ["三天前我在干嘛", "2025-03-09", "2025-03-10"],
      ["3天前", "2025-03-09", "2025-03-10"],
      ["两周前", "2025-02-24", "2025-03-03"],
      ["三个月前", "2024-12-01", "2025-01-01"],
      ["十天以前", "2025-03-02", "2025-03-03"],
      ["两年前", "2023-01-01", "2024-01-01"],
      ["半年前", "2024-09-01", "2024-10-01"],
      ["前天", "2025-03-10", "2025-03-11"],
      ["大前天", "2025-03-09", "2025-03-10"],
      ["昨天", "2025-03-11", "2025-03-12"],
      ["今天", "2025-03-12", "2025-03-13"],
      ["去年", "2024-01-01", "2025-01-01"],
      ["前年", "2023-01-01", "2024-01-01"],
      ["今年", "2025-01-01", "2026-01-01"],
    ]);
  });

  it("reads months, dates and seasons, with or without a year", () => {
    expectRange([
      ["去年五月我们去了哪里", "2024-05-01", "2024-06-01"],
      ["去年5月份", "2024-05-01", "2024-06-01"],
      ["今年一月", "2025-01-01", "2025-02-01"],
      ["去年十二月", "2024-12-01", "2025-01-01"],
      ["2023年5月", "2023-05-01", "2023-06-01"],
      ["2023 年 11 月", "2023-11-01", "2023-12-01"],
      ["2023年5月8日发生了什么", "2023-05-08", "2023-05-09"],
      ["去年十月一号", "2024-10-01", "2024-10-02"],
      ["5月8日", "2024-05-08", "2024-05-09"], // May has not come yet this year: last year's
      ["二月", "2025-02-01", "2025-03-01"],
      ["十一月", "2024-11-01", "2024-12-01"],
      ["今年春天", "2025-03-01", "2025-06-01"],
      ["去年夏天", "2024-06-01", "2024-09-01"],
      ["去年的秋季", "2024-09-01", "2024-12-01"],
      ["2023年冬天", "2023-12-01", "2024-03-01"],
      ["冬天", "2024-12-01", "2025-03-01"],
      ["夏天", "2024-06-01", "2024-09-01"],
      ["2023年", "2023-01-01", "2024-01-01"],
    ]);
  });

  it("reads weekdays and weekends", () => {
    expectRange([
      ["上周三", "2025-03-05", "2025-03-06"],
      ["上星期五", "2025-03-07", "2025-03-08"],
      ["这周一", "2025-03-10", "2025-03-11"],
      ["周日", "2025-03-09", "2025-03-10"],
      ["上周末", "2025-03-08", "2025-03-10"],
    ]);
  });

  it("does not read a period into words that name none", () => {
    const none = ["我最喜欢什么颜色？", "去年几月？".slice(2), "过去三个月里", "2023年前往北京", "每个月都去"];
    expect(parseTimeRange(none[0], now)).toBeNull();
    expect(parseTimeRange(none[1], now)).toBeNull();
    expect(parseTimeRange(none[2], now)).toBeNull();
    // "2023年前往北京" is "went to Beijing in 2023", not "23 years ago".
    expect(parseTimeRange(none[3], now)).toMatchObject({ gte: "2023-01-01", lt: "2024-01-01" });
    expect(parseTimeRange(none[4], now)).toBeNull();
  });
});

describe("parseTimeRange: English", () => {
  it("reads the forms it read before", () => {
    expectRange([
      ["what did I eat yesterday", "2025-03-11", "2025-03-12"],
      ["last week", "2025-03-03", "2025-03-10"],
      ["last month", "2025-02-01", "2025-03-01"],
      ["in 2023", "2023-01-01", "2024-01-01"],
      ["back in May 2023", "2023-05-01", "2023-06-01"],
      ["3 days ago", "2025-03-09", "2025-03-10"],
      ["the day before yesterday", "2025-03-10", "2025-03-11"],
    ]);
  });

  it("reads months, dates, seasons, weekdays and counted periods", () => {
    expectRange([
      ["last May", "2024-05-01", "2024-06-01"],
      ["in February", "2025-02-01", "2025-03-01"],
      ["last March", "2024-03-01", "2024-04-01"],
      ["on 8 May, 2023", "2023-05-08", "2023-05-09"],
      ["on May 8, 2023", "2023-05-08", "2023-05-09"],
      ["last summer", "2024-06-01", "2024-09-01"],
      ["this spring", "2025-03-01", "2025-06-01"],
      ["in the summer of 2022", "2022-06-01", "2022-09-01"],
      ["last Friday", "2025-03-07", "2025-03-08"],
      ["last Wednesday", "2025-03-05", "2025-03-06"],
      ["on Monday", "2025-03-10", "2025-03-11"],
      ["last weekend", "2025-03-08", "2025-03-10"],
      ["a couple of weeks ago", "2025-02-24", "2025-03-03"],
      ["a few days ago", "2025-03-09", "2025-03-10"],
      ["two years ago", "2023-01-01", "2024-01-01"],
    ]);
  });

  it("does not take the verb may for the month", () => {
    expect(parseTimeRange("what may I have told you about cats", now)).toBeNull();
    expect(parseTimeRange("what is my favourite colour", now)).toBeNull();
  });
});

describe("chineseNumber", () => {
  it("reads digits and numerals up to ninety-nine", () => {
    expect(["3", "三", "十", "十二", "二十", "二十一", "两", "零"].map(chineseNumber)).toEqual([
      3, 3, 10, 12, 20, 21, 2, 0,
    ]);
    expect(chineseNumber("百")).toBeNaN();
  });
});
