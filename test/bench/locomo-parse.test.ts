import { describe, expect, it } from "vitest";
import { parseLocomo, parseSessionDate, readDiaId, splitEvidence, LocomoFormatError } from "../../bench/lib/locomo.js";

/** A tiny conversation in LoCoMo's format carrying each known defect once. */
function fixture() {
  return [
    {
      sample_id: "conv-x",
      conversation: {
        speaker_a: "Ana",
        speaker_b: "Bo",
        session_1_date_time: "1:56 pm on 8 May, 2023",
        session_1: [
          { speaker: "Ana", dia_id: "D1:1", text: "I adopted a cat." },
          { speaker: "Bo", dia_id: "D1:2", text: "Lovely! What is its name?" },
          { speaker: "Ana", dia_id: "D1:3", text: "Miso.", img_url: ["x"], blip_caption: "a cat" },
        ],
        session_2_date_time: "10:37 am on 27 June, 2023",
        session_2: [
          { speaker: "Bo", dia_id: "D2:1", text: "I ran a marathon." },
          { speaker: "Ana", dia_id: "D2:5", text: "Well done." },
        ],
      },
      qa: [
        { question: "What pet did Ana adopt?", answer: "a cat", evidence: ["D1:1"], category: 4 },
        { question: "Cat and marathon?", answer: "x", evidence: ["D1:1; D2:1"], category: 1 },
        { question: "Repaired ids?", answer: "x", evidence: ["D:1:3", "D2:05"], category: 2 },
        { question: "Unknown and unreadable?", answer: "x", evidence: ["D9:9", "D", "D1:2"], category: 3 },
        { question: "Nothing valid", answer: "x", evidence: ["D7:1"], category: 4 },
        { question: "No evidence at all", answer: "x", evidence: [], category: 3 },
        { question: "Adversarial", adversarial_answer: "x", evidence: ["D1:1"], category: 5 },
      ],
      observation: {
        session_1_observation: {
          Ana: [
            ["Ana adopted a cat named Miso.", ["D1:1", "D1:3"]],
            ["Ana likes cats.", "D1:1"],
            ["Broken reference.", "D:8:1"],
          ],
        },
        session_2_observation: { Bo: [["Bo ran a marathon.", "D2:01"]] },
      },
    },
  ];
}

describe("LoCoMo parsing", () => {
  it("reads turns with their session dates", () => {
    const { conversations } = parseLocomo(fixture());
    const conv = conversations[0];
    expect(conv.id).toBe("conv-x");
    expect(conv.speakers).toEqual(["Ana", "Bo"]);
    expect(conv.sessions.map((s) => s.turns.length)).toEqual([3, 2]);
    expect(conv.sessions[0].time).toBe("2023-05-08T13:56:00.000Z");
    expect(conv.sessions[1].turns[0]).toMatchObject({
      diaId: "D2:1",
      speaker: "Bo",
      session: 2,
      time: "2023-06-27T10:37:00.000Z",
    });
  });

  it("splits, repairs and drops evidence ids, and counts each defect", () => {
    const { conversations, defects } = parseLocomo(fixture());
    const byQuestion = Object.fromEntries(conversations[0].questions.map((q) => [q.question, q.evidence]));
    expect(byQuestion["Cat and marathon?"]).toEqual(["D1:1", "D2:1"]);
    expect(byQuestion["Repaired ids?"]).toEqual(["D1:3", "D2:5"]);
    expect(byQuestion["Unknown and unreadable?"]).toEqual(["D1:2"]);
    expect(byQuestion["Nothing valid"]).toBeUndefined();
    expect(byQuestion["Adversarial"]).toBeUndefined();
    expect(conversations[0].questions).toHaveLength(4);
    expect(defects).toMatchObject({
      multiIdEvidenceStrings: 1,
      repairedIds: 2,
      unreadableIds: 1,
      unknownTurnIds: 2,
      questionsWithoutEvidence: 2,
      adversarialQuestions: 1,
    });
  });

  it("reads observation references given as a string or a list, dropping facts with no valid source", () => {
    const { conversations, defects } = parseLocomo(fixture());
    const obs = conversations[0].observations;
    expect(obs.map((o) => [o.text, o.diaIds, o.session])).toEqual([
      ["Ana adopted a cat named Miso.", ["D1:1", "D1:3"], 1],
      ["Ana likes cats.", ["D1:1"], 1],
      ["Bo ran a marathon.", ["D2:1"], 2],
    ]);
    expect(obs[2].time).toBe("2023-06-27T10:37:00.000Z");
    expect(defects).toMatchObject({
      observationIdsRepaired: 2,
      observationIdsDropped: 1,
      observationsWithoutSource: 1,
    });
  });

  it("reads each id spelling seen in the data", () => {
    expect(readDiaId("D11:26")).toEqual({ kind: "ok", id: "D11:26", repaired: false });
    expect(readDiaId("D:11:26")).toEqual({ kind: "ok", id: "D11:26", repaired: true });
    expect(readDiaId("D30:05")).toEqual({ kind: "ok", id: "D30:5", repaired: true });
    expect(readDiaId("D").kind).toBe("unreadable");
    expect(splitEvidence("D8:6; D9:17")).toEqual(["D8:6", "D9:17"]);
    expect(splitEvidence("D8:6,D9:17 D9:18")).toEqual(["D8:6", "D9:17", "D9:18"]);
  });

  it("parses session dates and rejects what is not LoCoMo", () => {
    expect(parseSessionDate("12:09 am on 13 September, 2023")).toBe("2023-09-13T00:09:00.000Z");
    expect(parseSessionDate("sometime")).toBeNull();
  });

  it("parses Chinese session dates with their part of the day", () => {
    expect(parseSessionDate("2023年5月8日下午1:56")).toBe("2023-05-08T13:56:00.000Z");
    expect(parseSessionDate("2023年5月8日 晚上7:30")).toBe("2023-05-08T19:30:00.000Z");
    expect(parseSessionDate("2023年10月3日上午10:05")).toBe("2023-10-03T10:05:00.000Z");
    expect(parseSessionDate("2023年9月13日 上午12:09")).toBe("2023-09-13T00:09:00.000Z");
    expect(parseSessionDate("2023年12月8日凌晨12:20")).toBe("2023-12-08T00:20:00.000Z");
    expect(parseSessionDate("2023年6月1日中午12:30")).toBe("2023-06-01T12:30:00.000Z");
    expect(parseSessionDate("2023年6月1日中午1:05")).toBe("2023-06-01T13:05:00.000Z");
    expect(parseSessionDate("2023年6月1日下午13:05")).toBe("2023-06-01T13:05:00.000Z");
    expect(parseSessionDate("2023年6月1日")).toBe("2023-06-01T00:00:00.000Z");
    expect(parseSessionDate("2023年13月1日下午1:00")).toBeNull();
    expect(parseSessionDate("2023年5月8日下午25:00")).toBeNull();
  });

  it("rejects what is not LoCoMo", () => {
    expect(() => parseLocomo({ not: "an array" })).toThrow(LocomoFormatError);
    expect(() => parseLocomo([{ sample_id: "c", qa: [] }])).toThrow(/no "conversation"/);
  });
});
