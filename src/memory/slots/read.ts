import { englishCorrection, englishNamesHabit, englishValuesOfKind, readEnglishClause } from "./read-en.js";
import { chineseCorrection, chineseNamesHabit, chineseValuesOfKind, readChineseClause } from "./read-zh.js";
import { chatSentences } from "../sentences.js";
import { REPORTED, hedgeOf, sentenceWideHedge } from "./hedge.js";
import { USER, type Correction, type Hedge, type SentenceReading, type Slot } from "./types.js";

const HAN = /\p{Script=Han}/u;
/**
 * Clauses: commas and semicolons, "but"/但是/不过 (which often turn a statement around), and "and"
 * before a new subject ("I'm a nurse and I live in Lisbon").
 */
const CLAUSE_BREAK =
  /(?<!\d),(?!\d{3})|[，;；、]|\s+(?:but|and|so)\s+|(?=但是|不过|可是|而且)|(?<=[\p{Script=Han}\p{Extended_Pictographic}])\s+(?=\p{Script=Han})/iu;

function planSlots(clause: string, sentence: string, zh: boolean): Slot[] {
  return (zh ? readChineseClause(clause, sentence) : readEnglishClause(clause, sentence)).slots.filter((s) =>
    s.attribute.startsWith("plan:"),
  );
}

/** Words of a text, a Chinese character counting as one. */
function size(text: string, zh: boolean): number {
  return zh ? (text.match(/\p{Script=Han}/gu)?.length ?? 0) : text.split(/\s+/).filter(Boolean).length;
}

/** A clause of a text, with what it states (none when hedged). */
interface Clause {
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
  return {
    slots: reading.clauses.flatMap((c) => c.slots),
    hedges: reading.hedges,
    ...(reading.correction ? { correction: reading.correction } : {}),
  };
}

/**
 * readSlots clause by clause. A question mark ends only its own clause's statement: in "I live in
 * Minneapolis and drive a Subaru, do I need winter tires?" the first clause still states a fact.
 */
export function readClauses(
  text: string,
  about = USER,
): { clauses: Clause[]; hedges: Hedge[]; correction?: Correction } {
  const out: Clause[] = [];
  const hedges: Hedge[] = [];
  let correction: Correction | undefined;
  for (const sentence of chatSentences(text)) {
    if (!sentence) continue;
    const zh = HAN.test(sentence);
    const clauses = sentence
      .split(CLAUSE_BREAK)
      .map((c) => c.trim())
      .filter(Boolean);
    const wide = clauses.length ? sentenceWideHedge(clauses[0]) : undefined;
    if (wide) hedges.push(wide);
    for (const [i, whole] of clauses.entries()) {
      const last = i === clauses.length - 1;
      // Someone else's words end the user's clause: the rest is theirs.
      const reported = REPORTED.exec(whole);
      const clause = reported ? whole.slice(0, reported.index).trim() : whole;
      if (reported) hedges.push("quoted");
      if (!clause) {
        out.push({ text: whole, slots: [], hedged: true, last });
        continue;
      }
      const hedge = wide ? { hedges: [wide], at: 0 } : hedgeOf(clause);
      hedges.push(...hedge.hedges);
      // The part before a plan, a future or a story still states what holds now.
      const head = clause.slice(0, hedge.at).trim();
      // A plan is about the future by nature ("下周三下午两点开会"): a future alone does not hedge its date.
      const plans = hedge.hedges.every((h) => h === "future") ? planSlots(clause, sentence, zh) : [];
      if (!head || (hedge.hedges.length && size(head, zh) < 2)) {
        out.push({ text: clause, slots: plans, hedged: plans.length === 0, last });
        continue;
      }
      const read = zh ? readChineseClause(head, sentence) : readEnglishClause(head, sentence);
      read.slots.push(...plans.filter((p) => !read.slots.some((s) => s.attribute === p.attribute)));
      const slots = read.slots.map((s) =>
        about !== USER && s.subject === USER ? { ...s, subject: about.toLowerCase() } : s,
      );
      out.push({ text: clause, slots, hedged: false, last });
    }
    if (!wide) correction ??= zh ? chineseCorrection(sentence) : englishCorrection(sentence);
  }
  return { clauses: out, hedges: [...new Set(hedges)], ...(correction ? { correction } : {}) };
}

/** A slot a new fact changes: what the old memory said, and what holds now. */
export interface SlotChange {
  old: Slot;
  next: Slot;
  /** The fact that says the new value, when not the one `remainderWithout` is given. */
  text?: string;
}

/**
 * What of a superseded memory still holds, or undefined when nothing worth keeping is left. A
 * clause that states only changed values goes ("I'm a nurse and I live in Lisbon." after a move:
 * "I'm a nurse."; "我住在杭州，在阿里巴巴工作" after 我搬到上海了，现在在字节跳动上班: neither clause);
 * a clause that says more keeps the rest with the new values in the old ones' places ("I make $62k
 * a year as a lab technician in Raleigh." after a raise to $70k: "I make $70k a year as a lab
 * technician in Raleigh."). `newText`: the fact with the new values, for their spelling.
 */
export function remainderWithout(
  text: string,
  changes: SlotChange[],
  newText: string,
  about = USER,
): string | undefined {
  const zh = HAN.test(text);
  const { clauses } = readClauses(text, about);
  const sameSlot = (s: Slot, old: Slot) => s.subject === old.subject && s.attribute === old.attribute;
  // A clause states a change's old value; by the slot alone only when no clause reads that value
  // (so "…get better at X…" misread as a second employer is never rewritten with the new one).
  const byValue = changes.map(({ old }) =>
    clauses.some((c) => c.slots.some((s) => sameSlot(s, old) && s.value === old.value)),
  );
  const states = (c: Clause, old: Slot, i: number) => {
    const [kind, key] = old.attribute.split(":");
    return (
      c.slots.some((s) => sameSlot(s, old) && (!byValue[i] || s.value === old.value)) ||
      ((kind === "habit" || kind === "pet") && !!key && namesHabit(c.text, key))
    );
  };
  return remainder(text, about, (c, body) => {
    const here = changes.filter(({ old }, i) => states(c, old, i));
    if (here.length === 0) return undefined;
    const changed = (s: Slot) => here.some(({ old }) => sameSlot(s, old));
    let rest = body.toLowerCase();
    for (const { old } of here) if (old.value) rest = rest.replace(old.value, " ");
    // The clause says more than the changed values (another slot, or other words): it stays, with the new values.
    const more = c.slots.some((s) => !changed(s)) || otherWords(rest, "", zh) >= 2;
    if (!more) return null;
    let rewritten = body;
    for (const { old, next, text: source } of here) {
      const spelled = spelling(source ?? newText, next.value);
      const at = old.value ? rewritten.toLowerCase().indexOf(old.value) : -1;
      // Not across scripts: a Chinese value in an English sentence is neither the user's words nor their language.
      if (next.negated || !spelled || at < 0 || HAN.test(spelled) !== zh) return null;
      rewritten = rewritten.slice(0, at) + spelled + rewritten.slice(at + old.value.length);
    }
    return rewritten;
  });
}

/**
 * The text without the clauses `drop` picks (and a qualifier right after one), or undefined when nothing is dropped or
 * nothing worth keeping is left.
 */
export function remainderDropping(text: string, drop: (c: Clause) => boolean): string | undefined {
  return remainder(text, USER, (c) => (drop(c) ? null : undefined));
}

/**
 * The clauses of a closed memory that still hold: those `change` leaves alone (undefined), and
 * what it rewrites a changed one to (null: dropped). A qualifier right after a changed clause goes
 * with it ("…on coffee, like 4 cups a day"). Undefined when nothing changed or nothing is left.
 */
function remainder(
  text: string,
  about: string,
  change: (c: Clause, body: string) => string | null | undefined,
): string | undefined {
  const { clauses } = readClauses(text, about);
  const zh = HAN.test(text);
  const kept: string[] = [];
  let changed = false;
  let dropping = false;
  for (const c of clauses) {
    const body = c.text.replace(/[,，;；、.。!！?？]+$/u, "");
    const rewritten = change(c, body);
    if (rewritten === undefined) {
      dropping &&= c.slots.length === 0 && QUALIFIER.test(body);
      if (!dropping && !c.hedged && size(body, zh) >= 3) kept.push(body);
      continue;
    }
    changed = dropping = true;
    if (rewritten !== null) kept.push(rewritten);
  }
  if (!changed || kept.length === 0) return undefined;
  return kept.join(zh ? "，" : ", ") + (zh ? "。" : ".");
}

const QUALIFIER =
  /^(?:like|about|around|roughly|maybe|probably|at least|mostly|every|each|per|or so|大概|差不多|每天|一天|一周|每周|至少)/iu;

/** Words that are not stop words, verbs of a slot or time: what else a clause says. */
const PLAIN = new Set(
  (
    "i i'm im am is are was be a an the my our we we're at in to on of for with from and so as now just last this " +
    "next week weeks month year years day days ago today yesterday recently live lives living moved work works working job"
  ).split(" "),
);

function otherWords(body: string, value: string, zh: boolean): number {
  const rest = body.toLowerCase().replace(value, " ");
  if (zh) return Math.floor((rest.match(/\p{Script=Han}/gu)?.length ?? 0) / 3);
  return rest.split(/[^\p{L}\p{N}'’$]+/u).filter((w) => w.length >= 2 && !PLAIN.has(w)).length;
}

/** A normalised value as the text writes it ("berlin" → "Berlin"); the value itself when the text does not. */
export function spelling(text: string, value: string): string | undefined {
  if (!value) return undefined;
  const at = text.toLowerCase().indexOf(value.toLowerCase());
  return at >= 0 ? text.slice(at, at + value.length) : value;
}

/** Whether a text names the thing of a habit key (read-en.ts habitKey; a Chinese key as written). */
export function namesHabit(text: string, key: string): boolean {
  return HAN.test(key) ? chineseNamesHabit(text, key) : englishNamesHabit(text, key);
}

/** The values of a correction's kind a text holds: the weekdays, times or numbers it names. */
export function valuesOfKind(
  text: string,
  kind: Exclude<Correction["kind"], "name">,
): { raw: string; value: string }[] {
  return HAN.test(text) ? chineseValuesOfKind(text, kind) : englishValuesOfKind(text, kind);
}
