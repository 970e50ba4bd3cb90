import { englishValuesOfKind, readEnglishClause } from "./read-en.js";
import { chineseCorrection, chineseValuesOfKind, readChineseClause } from "./read-zh.js";
import { hedgesOf, sentenceWideHedge } from "./hedge.js";
import { USER, type Correction, type Hedge, type SentenceReading, type Slot } from "./types.js";

const HAN = /\p{Script=Han}/u;
const sentences = new Intl.Segmenter(undefined, { granularity: "sentence" });
/**
 * Clauses: commas and semicolons, "but"/但是/不过 (which often turn a statement around), and "and"
 * before a new subject ("I'm a nurse and I live in Lisbon").
 */
const CLAUSE_BREAK = /[,，;；、]|\s+but\s+|\s+and\s+(?=(?:i|i'm|we|we're|my)\b)|(?=但是|不过|可是)/iu;

/** A clause of a text, with what it states (none when hedged). */
export interface Clause {
  text: string;
  slots: Slot[];
  hedged: boolean;
  /** The last clause of its sentence: it carries the sentence's end mark. */
  last: boolean;
}

/**
 * What a text says that holds now, as slots: each sentence cut into clauses, hedged clauses (a
 * question, "if I moved", "my friend said", 我在考虑…) left out, the rest read by the language's
 * rules. `about` is who the memory is about when a model said so ("user", "sister").
 */
export function readSlots(text: string, about = USER): SentenceReading {
  const reading = readClauses(text, about);
  return { slots: reading.clauses.flatMap((c) => c.slots), hedges: reading.hedges, ...(reading.correction ? { correction: reading.correction } : {}) };
}

/**
 * readSlots clause by clause. A question mark ends only its own clause's statement: in "I live in
 * Minneapolis and drive a Subaru, do I need winter tires?" the first clause still states a fact.
 */
export function readClauses(text: string, about = USER): { clauses: Clause[]; hedges: Hedge[]; correction?: Correction } {
  const out: Clause[] = [];
  const hedges: Hedge[] = [];
  let correction: Correction | undefined;
  for (const { segment } of sentences.segment(text)) {
    const sentence = segment.trim();
    if (!sentence) continue;
    const zh = HAN.test(sentence);
    const clauses = sentence.split(CLAUSE_BREAK).map((c) => c.trim()).filter(Boolean);
    const wide = clauses.length ? sentenceWideHedge(clauses[0]) : undefined;
    if (wide) hedges.push(wide);
    for (const [i, clause] of clauses.entries()) {
      const last = i === clauses.length - 1;
      const clauseHedges = wide ? [wide] : hedgesOf(clause);
      if (clauseHedges.length) {
        hedges.push(...clauseHedges);
        out.push({ text: clause, slots: [], hedged: true, last });
        continue;
      }
      const read: { slots: Slot[]; correction?: Correction } = zh ? readChineseClause(clause, sentence) : readEnglishClause(clause);
      const slots = read.slots.map((s) => (about !== USER && s.subject === USER ? { ...s, subject: about.toLowerCase() } : s));
      out.push({ text: clause, slots, hedged: false, last });
      if (!zh) correction ??= read.correction;
    }
    if (zh && !wide) correction ??= chineseCorrection(sentence);
  }
  return { clauses: out, hedges: [...new Set(hedges)], ...(correction ? { correction } : {}) };
}

/**
 * The text without the clauses that state `slot` ("I'm a nurse and I live in Lisbon." without
 * its residence: "I'm a nurse."), or undefined when nothing worth keeping is left: what of a
 * superseded memory still holds.
 */
export function remainderWithout(text: string, slot: Pick<Slot, "subject" | "attribute">, about = USER): string | undefined {
  const { clauses } = readClauses(text, about);
  const kept = clauses.filter((c) => !c.hedged && !c.slots.some((s) => s.subject === slot.subject && s.attribute === slot.attribute));
  if (kept.length === clauses.length) return undefined;
  const zh = HAN.test(text);
  const words = kept.map((c) => c.text.replace(/[,，;；、.。!！?？]+$/u, "")).filter((c) => (zh ? (c.match(/\p{Script=Han}/gu)?.length ?? 0) >= 4 : c.split(/\s+/).length >= 3));
  if (words.length === 0) return undefined;
  return words.join(zh ? "，" : ", ") + (zh ? "。" : ".");
}

/** The values of a correction's kind a text holds: the weekdays, times or numbers it names. */
export function valuesOfKind(text: string, kind: Correction["kind"]): string[] {
  return HAN.test(text) ? chineseValuesOfKind(text, kind) : englishValuesOfKind(text, kind);
}
