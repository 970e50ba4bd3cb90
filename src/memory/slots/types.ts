/**
 * Slots: what a sentence says about one single-valued attribute of one subject ("the user lives in
 * Lisbon", "朵朵 is five"). Two statements of the same subject and attribute with different values
 * cannot both be true now: the newer one supersedes the older (slots/judge.ts). Read by rules,
 * not by a model, so a small local model's memory stays true too.
 */

/** The subject of a slot: the user, or another person or pet by a normalised name or role. */
export const USER = "user";

export interface Slot {
  /** USER, or a person's or pet's key ("sister", "max", "朵朵"). */
  subject: string;
  /**
   * residence, employer, job, school, relationship, diet, age, children, salary, or keyed ones:
   * `habit:<thing>` (plays tennis, drinks coffee), `plan:<event>` (the meeting's day), `pet:<name>`.
   */
  attribute: string;
  /** The value, normalised (lower case, no article); "" for a pure negation. */
  value: string;
  /** "no longer", "quit", 不再, 戒了: the value stopped holding. */
  negated: boolean;
}

/** Why a clause states nothing that holds now (it supersedes nothing). */
export type Hedge = "question" | "hypothetical" | "plan" | "past" | "quoted" | "future";

/** "Sorry, I meant Thursday" / 说错了，是周四: a correction naming a value but no attribute. */
export interface Correction {
  /** What kind of value it gives: a weekday, a clock time, a number. */
  kind: "weekday" | "time" | "number" | "name";
  value: string;
  /** The value corrected away, when the sentence names it ("I said Milwaukee", 不是周二). */
  old?: string;
}

export interface SentenceReading {
  slots: Slot[];
  /** The clauses left out and why, for the history's reason and the logs. */
  hedges: Hedge[];
  correction?: Correction;
}
