import { ZH_TRANSLIT } from "./cues.js";
import type { EntityMention } from "./types.js";

/** The form two spellings of one name share: NFKC, lower case, no article, no trailing possessive. */
export function entityKey(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/^(the|my)\s+/u, "")
    .replace(/['’]s$/u, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/**
 * The key of a mention: its name, or for a role with no name of its own ("my sister", a
 * speaker's "kids") the role and whose it is, so "my sister" of the user and "my sister" of a
 * transcript's speaker stay two entities.
 */
export function mentionKey(m: EntityMention): string {
  if (m.role && entityKey(m.name) === entityKey(m.role)) return roleKey(m.role, m.of);
  return entityKey(m.name);
}

export function roleKey(role: string, of?: string): string {
  return `role:${of ? entityKey(of) : "user"}:${entityKey(role)}`;
}

/**
 * Whether two keys are spellings of one transcribed foreign name (梅兰妮 / 梅拉妮): both of three
 * or more characters, all of them transcription characters, the same length, the same first and
 * last character, and exactly one character different. Chinese transcription picks among
 * characters of the same sound (兰/拉, 琳/林), so one name is often written two ways; a change of
 * the first or last character, or of two characters, is taken to be another name. English names
 * are never merged by spelling: there, a different spelling is as often a different person.
 */
export function isTranscriptionVariant(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length || x.length < 3 || a === b) return false;
  if (![...x, ...y].every((c) => ZH_TRANSLIT.has(c))) return false;
  if (x[0] !== y[0] || x[x.length - 1] !== y[y.length - 1]) return false;
  let differences = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) differences++;
  return differences === 1;
}

/** A mention of whom the text speaks says more than one addressed; one with a role more than one without. */
export function saysMore(m: EntityMention, had: EntityMention | undefined): boolean {
  if (!had) return true;
  if (!!had.addressed !== !!m.addressed) return !!had.addressed;
  return !had.role && !!m.role;
}
