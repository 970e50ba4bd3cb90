/** The interest trend (computed from question times, never asked of a model) and the deterministic topics of a question. */
import { describe, expect, it } from "vitest";
import { interestTrend } from "../../../src/memory/profile/interests.js";
import { isFillerTopic, questionTopics } from "../../../src/memory/profile/topics.js";
import type { QuestionTopics } from "../../../src/memory/profile/types.js";

/** `n` questions on `topics`, one a day from `start`. */
function asked(topics: string[], start: string, n: number, prefix: string): QuestionTopics[] {
  return Array.from({ length: n }, (_, i) => ({
    userId: "u",
    id: `${prefix}${i}`,
    at: new Date(Date.parse(start) + i * 86_400_000).toISOString(),
    topics,
  }));
}

describe("interest trend", () => {
  const march = asked(["frontend"], "2026-03-01T10:00:00Z", 10, "m");
  const may = asked(["backend"], "2026-05-10T10:00:00Z", 10, "y");

  it("after ten frontend questions in March and ten backend ones in May: backend now, frontend earlier", () => {
    const trend = interestTrend([...march, ...may], new Date("2026-05-31T00:00:00Z"), 30);
    expect(trend.current.map((t) => t.topic)).toEqual(["backend"]);
    expect(trend.current[0]).toMatchObject({ questions: 10, trend: "rising", overallShare: 0.5 });
    expect(trend.current[0].recentShare).toBeGreaterThan(0.7);
    expect(trend.earlier.map((t) => t.topic)).toEqual(["frontend"]);
    expect(trend.earlier[0]).toMatchObject({ questions: 10, trend: "fading", lastAt: march.at(-1)!.at });
    expect(trend.questions).toBe(20);
  });

  it("in March itself, frontend is the current interest and nothing is earlier", () => {
    const trend = interestTrend(march, new Date("2026-03-12T00:00:00Z"), 30);
    expect(trend.current.map((t) => t.topic)).toEqual(["frontend"]);
    expect(trend.earlier).toEqual([]);
  });

  it("without decay (half-life 0) March and May weigh alike: both current, none earlier", () => {
    const trend = interestTrend([...march, ...may], new Date("2026-05-31T00:00:00Z"), 0);
    expect(trend.current.map((t) => t.topic).sort()).toEqual(["backend", "frontend"]);
    expect(trend.earlier).toEqual([]);
  });

  it("a topic named once is no interest", () => {
    const trend = interestTrend(
      [{ userId: "u", id: "x", at: "2026-05-30T00:00:00Z", topics: ["knitting"] }, ...may],
      new Date("2026-05-31T00:00:00Z"),
      30,
    );
    expect(trend.current.map((t) => t.topic)).toEqual(["backend"]);
  });
});

describe("topics of a question without a model", () => {
  it("finds the subject words and names of English questions, not the filler", () => {
    expect(questionTopics("How do I center a div with CSS flexbox?")).toEqual(["css", "center", "div", "flexbox"]);
    const react = questionTopics("What is the best way to manage state in React components?");
    expect(react).toEqual(expect.arrayContaining(["react", "manage", "state", "component"]));
    expect(react).not.toContain("best");
    expect(react).not.toContain("way");
  });

  it("segments Chinese questions into words and drops the question words", () => {
    const topics = questionTopics("怎么优化数据库的查询速度？");
    // 优化 is not in the segmenter's dictionary (优|化): the run of single characters is put back together.
    expect(topics).toEqual(expect.arrayContaining(["优化", "数据", "查询", "速度"]));
    expect(topics).not.toContain("怎么");
  });

  it("time words and everyday verbs are no topics, in English and Chinese", () => {
    expect(questionTopics("I moved to Berlin last week, where should I live now?")).toEqual(["berlin"]);
    expect(questionTopics("What can I do today in Berlin?")).toEqual(["berlin"]);
    expect(questionTopics("我上个月搬到北京了，现在住在哪里好？")).toEqual(["北京"]);
    expect(questionTopics("我现在住在北京，周末去哪玩？")).toEqual(["北京"]);
    expect(questionTopics("今天上海天气怎么样？")).toEqual(["上海", "天气"]);
  });

  it("a model's topics made only of filler are no topics either", () => {
    for (const topic of ["last week", "now", "Live", "上个月", "现在", "住"])
      expect(isFillerTopic(topic), topic).toBe(true);
    for (const topic of ["berlin", "live music", "北京", "postgres indexes"])
      expect(isFillerTopic(topic), topic).toBe(false);
  });

  it("keeps at most six topics of a long message", () => {
    expect(
      questionTopics("Tell me about kubernetes docker terraform ansible prometheus grafana jenkins helm").length,
    ).toBe(6);
  });
});
