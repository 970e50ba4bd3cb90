/**
 * Scoring rules of the extraction probe set (bench/extract/probe-set.json), written down so that
 * anyone can check a figure by hand:
 * - An expected fact is a list of alternatives; an alternative is a list of keywords. A stored fact
 *   matches an expected one when it contains every keyword of one alternative (case-insensitive).
 * - Recall: expected facts matched by some stored fact of the same turn, over all expected facts.
 * - Precision: stored facts (on turns that have facts) that match some expected fact of their
 *   turn, over those stored facts.
 * - False memories: facts stored from the turns that have nothing to store.
 * - Language kept: stored facts written in the turn's language (any Han character for a Chinese
 *   turn, none for an English one), over all stored facts.
 */
export type Keywords = string[];
export type ExpectedFact = Keywords[];

export interface ProbeTurn {
  lang: "en" | "zh";
  text: string;
  facts: ExpectedFact[];
}

export interface TurnOutcome {
  turn: ProbeTurn;
  /** null when the model's output was rejected (invalid after the retry). */
  stored: string[] | null;
  seconds: number;
}

const HAN = /\p{Script=Han}/u;

export function matches(stored: string, expected: ExpectedFact): boolean {
  const text = stored.toLowerCase();
  return expected.some((alternative) => alternative.every((k) => text.includes(k.toLowerCase())));
}

export interface ProbeScore {
  turns: number;
  validOutputRate: number;
  recall: number;
  precision: number;
  falseMemories: number;
  turnsWithFalseMemories: number;
  languageKept: number;
  factsStored: number;
}

export function scoreProbe(outcomes: TurnOutcome[]): ProbeScore {
  let expected = 0;
  let found = 0;
  let storedOnFactTurns = 0;
  let correct = 0;
  let falseMemories = 0;
  let turnsWithFalse = 0;
  let stored = 0;
  let inLanguage = 0;
  let valid = 0;
  for (const { turn, stored: facts } of outcomes) {
    expected += turn.facts.length;
    if (facts === null) continue;
    valid++;
    stored += facts.length;
    inLanguage += facts.filter((f) => HAN.test(f) === (turn.lang === "zh")).length;
    if (turn.facts.length === 0) {
      falseMemories += facts.length;
      if (facts.length > 0) turnsWithFalse++;
      continue;
    }
    found += turn.facts.filter((e) => facts.some((f) => matches(f, e))).length;
    storedOnFactTurns += facts.length;
    correct += facts.filter((f) => turn.facts.some((e) => matches(f, e))).length;
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
  return {
    turns: outcomes.length,
    validOutputRate: ratio(valid, outcomes.length),
    recall: ratio(found, expected),
    precision: ratio(correct, storedOnFactTurns),
    falseMemories,
    turnsWithFalseMemories: turnsWithFalse,
    languageKept: ratio(inLanguage, stored),
    factsStored: stored,
  };
}
