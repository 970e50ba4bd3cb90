import { describe, expect, it } from "vitest";
import { judgeFacts } from "../../../src/memory/slots/judge.js";
import { changedTopics, userTopicClause } from "../../../src/memory/slots/topics.js";
import type { MemoryRecord } from "../../../src/memory/types.js";

let n = 0;
const memory = (text: string): MemoryRecord => ({
  id: `t${++n}`,
  userId: "u",
  text,
  category: "other",
  about: "user",
  eventTime: null,
  expiresAt: null,
  sourceId: null,
  hash: `h${n}`,
  metadata: {},
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  validFrom: "2026-01-01T00:00:00.000Z",
  validTo: null,
  supersededBy: null,
  threadId: null,
  indexText: text,
  weight: 1,
  useCount: 0,
  lastUsedAt: null,
});

describe("slots: a change read by its topic when the slot rules cannot parse it", () => {
  it.each([
    ["So I got let go from the agency on Thursday.", ["work"]],
    ["Haven't touched a cigarette since March!", ["smoking"]],
    ["跟你说个事 我上个月搬家了 新家离地铁近多了", ["where they live"]],
    ["我已经不跟男朋友联系了", ["relationship"]],
    ["应酬的白酒也停了", ["drinking"]],
  ])("reads a change of the user's: %s", (text, topics) => {
    expect(changedTopics(text)).toEqual(topics);
  });

  it.each([
    "My boss got laid off last week.",
    "Should I quit my job?",
    "I'm at work now.",
    "我同事换工作了",
    "要是我换工作的话，工资会涨吗",
    "I moved to Berlin.", // the slots read it, with its value
  ])("reads none in: %s", (text) => {
    expect(changedTopics(text)).toEqual([]);
  });

  it("supersedes the user's memories on that topic and keeps what they said on others", () => {
    const job = memory("I work on email campaigns at an agency and I live near the river.");
    const other = memory("My sister works at the agency too.");
    const [j] = judgeFacts([{ text: "So I got let go from the agency on Thursday." }], [job, other]);
    expect(j).toMatchObject({ action: "SUPERSEDE", target: job, alsoCloses: [] });
    expect(j.reason).toBe("work changed (by topic)");
    expect(j.remainders.get(job.id)).toBe("I live near the river.");
    expect(userTopicClause(other.text, "work")).toBe(false);
  });

  it("is not used to override a capable model: its ADD stands", () => {
    const job = memory("I do email campaigns at an agency.");
    const [j] = judgeFacts(
      [{ text: "So I got let go from the agency on Thursday.", proposed: { action: "ADD" } }],
      [job],
    );
    expect(j.action).toBe("ADD");
  });
});

describe("slots: a topic the slots read in the new fact still ends memories they could not read", () => {
  it("我俩分了 ends 男朋友小周下个月生日, which names no status the rules read", () => {
    const old = memory("男朋友小周下个月生日 我想给他织条围巾");
    const [j] = judgeFacts([{ text: "不用织了 我俩分了" }], [old]);
    expect(j).toMatchObject({ action: "SUPERSEDE", target: old });
    // A memory the slots did read is compared by value, not by
    // topic: "I live in Lisbon" after "I moved to Lisbon" stays.
    const same = memory("I live in Lisbon.");
    expect(judgeFacts([{ text: "I moved to Lisbon last year." }], [same])[0].action).toBe("ADD");
  });
});
