import { describe, expect, it } from "vitest";
import { judgeFacts } from "../../../src/memory/slots/judge.js";
import type { MemoryRecord } from "../../../src/memory/types.js";

let n = 0;
function memory(text: string, about = "user", createdAt = `2026-01-0${(n % 9) + 1}T00:00:00.000Z`): MemoryRecord {
  n++;
  return {
    id: `m${n}`,
    userId: "u",
    text,
    category: "other",
    about,
    eventTime: null,
    expiresAt: null,
    sourceId: null,
    hash: `h${n}`,
    metadata: {},
    createdAt,
    updatedAt: createdAt,
    validFrom: createdAt,
    validTo: null,
    supersededBy: null,
    threadId: null,
    indexText: text,
    weight: 1,
    useCount: 0,
    lastUsedAt: null,
  };
}

describe("slots: the structural reconciliation (rules mode)", () => {
  it("supersedes a changed single-valued fact, in English and Chinese", () => {
    const lisbon = memory("I live in Lisbon.");
    const hangzhou = memory("我住在杭州");
    const nurse = memory("I'm a nurse.");
    const [en] = judgeFacts([{ text: "I moved to Berlin last week." }], [lisbon, nurse]);
    const [zh] = judgeFacts([{ text: "我上个月搬到北京了。" }], [hangzhou, nurse]);
    expect(en).toMatchObject({ action: "SUPERSEDE", target: lisbon, alsoCloses: [] });
    expect(en.reason).toMatch(/where they live: lisbon → berlin/);
    expect(zh).toMatchObject({ action: "SUPERSEDE", target: hangzhou });
  });

  it("closes every current memory of the slot, and keeps what else a closed memory said", () => {
    const a = memory("I'm a nurse and I live in Lisbon.");
    const b = memory("We've lived in Lisbon for five years.");
    const [j] = judgeFacts([{ text: "Actually I no longer live in Lisbon, I live in Porto." }], [a, b]);
    expect(j.action).toBe("SUPERSEDE");
    expect([j.target, ...j.alsoCloses].map((m) => m!.id).sort()).toEqual([a.id, b.id].sort());
    expect(j.remainders.get(a.id)).toBe("I'm a nurse.");
  });

  it("keeps of a closed memory nothing that another fact of the same message changed", () => {
    const both = memory("I work at Acme as a designer and I live in Lisbon.");
    const name = memory("I'm Ben.");
    const [job, move] = judgeFacts(
      [{ text: "I quit Acme, now I work at Globex." }, { text: "Also I moved to Berlin last month." }],
      [both, name],
    );
    expect(job).toMatchObject({ action: "SUPERSEDE", target: both });
    // The move changed the other clause: nothing of the memory holds any more.
    expect(job.remainders.get(both.id)).toBeUndefined();
    expect(move.action).toBe("ADD");
    const zh = memory("我叫小林，我住在杭州，在阿里巴巴工作。");
    const [change] = judgeFacts([{ text: "我搬到上海了，现在在字节跳动上班。" }], [zh]);
    expect(change).toMatchObject({ action: "SUPERSEDE", target: zh });
    expect(change.remainders.get(zh.id)).toBe("我叫小林。");
    // "…get better at SQL…" is no employer: what is left keeps it, in either order, and the title.
    const analyst = memory("I work at Amazon as a data analyst and I'm trying to get better at SQL window functions.");
    const [fix] = judgeFacts([{ text: "Actually I misspoke earlier, my employer is Microsoft." }], [analyst]);
    expect(fix.remainders.get(analyst.id)).toBe(
      "I work at Microsoft as a data analyst, I'm trying to get better at SQL window functions.",
    );
    const reversed = memory("I'm trying to get better at SQL and I work at Amazon as a data analyst.");
    const [again] = judgeFacts([{ text: "Actually my employer is Microsoft." }], [reversed]);
    expect(again.remainders.get(reversed.id)).toBe(
      "I'm trying to get better at SQL, I work at Microsoft as a data analyst.",
    );
    // A habit one fact ends and a value another changes: neither stays in what is left.
    const teacher = memory("I'm a math teacher, I live in Lisbon and I run on coffee.");
    for (const order of [
      ["I quit caffeine.", "I moved to Berlin."],
      ["I moved to Berlin.", "I quit caffeine."],
    ]) {
      const judged = judgeFacts(
        order.map((text) => ({ text })),
        [teacher],
      );
      const closing = judged.find((j) => j.action === "SUPERSEDE")!;
      expect(closing.remainders.get(teacher.id)).toBe("I'm a math teacher.");
    }
  });

  it("ends a habit or a preference on a negation", () => {
    const tennis = memory("I play tennis every Saturday.");
    const coffee = memory("我每天都喝咖啡");
    const [en, zh] = judgeFacts([{ text: "I no longer play tennis." }, { text: "我戒了咖啡" }], [tennis, coffee]);
    expect(en).toMatchObject({ action: "SUPERSEDE", target: tennis });
    expect(zh).toMatchObject({ action: "SUPERSEDE", target: coffee });
  });

  it("takes a correction that names only a value to the newest memory with a value of that kind", () => {
    const meeting = memory("The team meeting is on Tuesday.", "user", "2026-01-05T00:00:00.000Z");
    const older = memory("Yoga class on Monday evenings.", "user", "2026-01-01T00:00:00.000Z");
    const [j] = judgeFacts([{ text: "Sorry, I meant Thursday." }], [older, meeting]);
    expect(j).toMatchObject({ action: "SUPERSEDE", target: meeting });
    const [zh] = judgeFacts([{ text: "说错了，是周四" }], [memory("周二下午开会")]);
    expect(zh.action).toBe("SUPERSEDE");
    // A question after the correction, in the same sentence, does not hedge the correction.
    const [asked] = judgeFacts(
      [{ text: "刚才打错了 他是六岁 那六岁学游泳会不会有点晚" }],
      [memory("儿子五岁，想报个兴趣班")],
    );
    expect(asked.action).toBe("SUPERSEDE");
  });

  it.each([
    ["another person", "My sister moved to Berlin.", "I live in Lisbon."],
    [
      "a hypothetical",
      "If I ever moved to Paris I'd have to learn French.",
      "I work as a software engineer in Austin.",
    ],
    ["a hypothetical", "If I ever moved to Paris I'd have to learn French.", "I live in Lisbon."],
    ["a question", "Should I move to Denver?", "I live in Lisbon."],
    ["a plan under consideration", "I'm thinking about moving to Austin.", "I live in Lisbon."],
    ["a past story", "When I was a kid I lived in Ohio.", "I live in Lisbon."],
    ["quoted speech", "My friend said 'I live in Tokyo now'.", "I live in Lisbon."],
    ["another person (Chinese)", "我妹妹搬去上海了", "我住在杭州"],
    ["a hypothetical (Chinese)", "要是我当年去了上海，现在肯定不一样", "我老家是湖南的"],
    ["a hypothetical (Chinese)", "要是我当年去了上海，现在肯定不一样", "我住在杭州"],
    ["quoted speech (Chinese)", "我同事说他下个月搬去深圳", "我住在杭州"],
    ["a plan (Chinese)", "我在考虑要不要换工作", "我在阿里上班"],
    ["another value added, not replaced", "I also play golf.", "I play tennis every Saturday."],
  ])("supersedes nothing for %s: %s", (_kind, fact, stored) => {
    const [j] = judgeFacts([{ text: fact }], [memory(stored)]);
    expect(j.action).toBe("ADD");
  });
});

describe("slots: checking a capable model's decisions both ways", () => {
  it("turns a model ADD that contradicts a current single-valued fact into SUPERSEDE", () => {
    const lisbon = memory("User lives in Lisbon");
    const [j] = judgeFacts([{ text: "User moved to Porto", proposed: { action: "ADD" } }], [lisbon]);
    expect(j).toMatchObject({ action: "SUPERSEDE", target: lisbon });
    expect(j.reason).toMatch(/the model chose add, but/);
  });

  it("refuses a model SUPERSEDE across subjects, attributes or from a hypothetical", () => {
    const job = memory("I work as a software engineer in Austin.");
    const home = memory("I live in Lisbon.");
    const [hypo] = judgeFacts(
      [{ text: "If I ever moved to Paris I'd have to learn French.", proposed: { action: "SUPERSEDE", target: job } }],
      [job],
    );
    expect(hypo.action).toBe("ADD");
    expect(hypo.reason).toMatch(/refused/);
    const [sister] = judgeFacts(
      [{ text: "Sister moved to Berlin", about: "sister", proposed: { action: "SUPERSEDE", target: home } }],
      [home],
    );
    expect(sister.action).toBe("ADD");
    expect(sister.reason).toMatch(/refused: it is about sister/);
    const [other] = judgeFacts([{ text: "I got engaged!", proposed: { action: "UPDATE", target: home } }], [home]);
    expect(other.action).toBe("ADD");
    expect(other.reason).toMatch(/refused: the fact is about relationship status, the memory about where they live/);
  });

  it("confirms a model SUPERSEDE the slots agree with, and lets one through that they cannot read", () => {
    const home = memory("I live in Lisbon.");
    const [ok] = judgeFacts(
      [{ text: "I live in Porto now.", proposed: { action: "SUPERSEDE", target: home } }],
      [home],
    );
    expect(ok).toMatchObject({ action: "SUPERSEDE", target: home });
    expect(ok.reason).toMatch(/confirmed/);
    const vague = memory("Mostly asks front-end questions");
    const [free] = judgeFacts(
      [{ text: "Only works on back-end these days", proposed: { action: "SUPERSEDE", target: vague } }],
      [vague],
    );
    expect(free).toMatchObject({ action: "SUPERSEDE", target: vague });
  });

  it("makes a model UPDATE that changes a value a SUPERSEDE, so the old value stays in history", () => {
    const home = memory("I live in Lisbon.");
    const [j] = judgeFacts([{ text: "I live in Porto.", proposed: { action: "UPDATE", target: home } }], [home]);
    expect(j).toMatchObject({ action: "SUPERSEDE", target: home });
  });
});
