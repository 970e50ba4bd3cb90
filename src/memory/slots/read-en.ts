import { EN_KIN, EN_NOT_NAMES, EN_PETS } from "../entities/cues.js";
import {
  CLOCK,
  DATE,
  DIETS,
  EVENTS,
  JOB_HEAD,
  KIN_WORDS,
  NOT_JOB,
  NOT_SUBJECTS,
  NUMBER,
  PET_WORDS,
  STOP,
  WEEKDAY,
  WORD_NUMBERS,
} from "./words-en.js";
import { USER, type Correction, type Slot } from "./types.js";

/**
 * Slots of one English clause (slots/read.ts splits sentences into clauses and drops hedged ones).
 * Each rule is a verb cue and the words after it; the value runs to the first word that cannot be
 * part of a name or a job ("now", "with", "since" …). The subject is the last one named before
 * the cue: "I"/"we" (or none: "Moved to Berlin!"), "my sister", a capitalised name, "he"/"she".
 */

/** The subject named last before `at` in the clause; undefined when none is (a dropped "I"). */
function subjectBefore(clause: string, at: number): string | undefined {
  const before = clause.slice(0, at);
  const candidates: [number, string][] = [];
  const push = (re: RegExp, subject: (m: RegExpExecArray) => string) => {
    for (const m of before.matchAll(new RegExp(re.source, "giu")))
      candidates.push([m.index ?? 0, subject(m as RegExpExecArray)]);
  };
  push(/\b(?:i|i'm|i've|i'd|i'll|im|ive|we|we're|we've|me|user|the user)\b/, () => USER);
  push(
    new RegExp(`\\b(?:my|our)\\s+(?:\\w+\\s+)?(${KIN_WORDS}|${PET_WORDS})\\b`),
    (m) => EN_KIN[m[1].toLowerCase()] ?? m[1].toLowerCase(),
  );
  push(new RegExp(`^\\s*(${KIN_WORDS})\\b`), (m) => EN_KIN[m[1].toLowerCase()] ?? m[1].toLowerCase());
  push(/\b(?:he|she|they|he's|she's|they're|his|her|their)\b/, () => "someone else");
  // A capitalised name that is the subject: at most two words ("just", "has") between it and the
  // cue, and no preposition or verb before it ("I quit my job at Target and joined Costco").
  for (const m of before.matchAll(/\b(\p{Lu}[\p{Ll}]+)\b/gu)) {
    const word = m[1].toLowerCase();
    const after = before
      .slice((m.index ?? 0) + m[0].length)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    const prev = /(\p{L}+)\W*$/u.exec(before.slice(0, m.index ?? 0))?.[1]?.toLowerCase();
    if (
      after.length > 2 ||
      (prev && /^(?:at|in|to|from|with|for|of|on|by|about|joined|quit|left|visit|visited|and|like|than)$/.test(prev))
    )
      continue;
    if (EN_NOT_NAMES.has(word) || NOT_SUBJECTS.has(word)) continue;
    if (EN_KIN[word] || EN_PETS[word]) continue;
    candidates.push([m.index ?? 0, word]);
  }
  if (candidates.length === 0) return undefined;
  candidates.sort((a, b) => a[0] - b[0]);
  return candidates[candidates.length - 1][1];
}

/**
 * The value's words from `start`: up to four, to the first stop word or punctuation. A name
 * ("Ohio State", "University of Michigan") takes only capitalised words and the joiners inside.
 */
function valueAt(clause: string, start: number, max = 4): string {
  const words: string[] = [];
  let name = false;
  const all = [...clause.slice(start).matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’&.@-]*/gu)];
  for (const [k, m] of all.entries()) {
    const w = m[0].replace(/[.'’]+$/u, "");
    if (words.length === 0 && ["the", "a", "an", "my", "our"].includes(w.toLowerCase())) continue;
    if (words.length === 0) name = /^\p{Lu}/u.test(w);
    else if (
      name &&
      !/^\p{Lu}/u.test(w) &&
      !(/^(?:of|de|du|la|van|von|del)$/.test(w) && /^\p{Lu}/u.test(all[k + 1]?.[0] ?? ""))
    )
      break;
    if (words.length > 0 && !name && STOP.has(w.toLowerCase())) break;
    // A gap with punctuation ends the value.
    const gapStart = start + (m.index ?? 0);
    if (words.length > 0 && /[,;:()!?]/.test(clause.slice(gapStart - 2, gapStart))) break;
    words.push(w);
    if (words.length >= max) break;
  }
  return normalise(words.join(" "));
}

function normalise(value: string): string {
  return value
    .toLowerCase()
    .replace(/^(?:the|a|an)\s+/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** A light stem, the same on both sides of a comparison: "smoking" and "smoke", "plays" and "play". */
function stem(word: string): string {
  const w = word.toLowerCase();
  return w.length > 4 ? w.replace(/(?:ing|es|s|e|ed)$/u, "") : w;
}

/**
 * Things that are one habit under several words ("quit caffeine" ends "I run on coffee"; "a month
 * without a cigarette" ends "I smoke"): ordinary synonyms, keyed by stem.
 */
const HABIT_GROUPS: string[][] = [
  ["coffee", "caffeine", "espresso", "latte", "cappuccino"],
  ["smoke", "smoking", "cigarette", "cigarettes", "cigs", "tobacco"],
  ["alcohol", "drinking", "booze", "beer", "wine", "liquor"],
  ["vape", "vaping"],
  ["soda", "coke", "pop"],
];
const HABIT_KEY = new Map(HABIT_GROUPS.flatMap((group) => group.map((w) => [stem(w), stem(group[0])] as const)));

/** The key of a habit's thing: its stem, or its group's ("caffeine" → coffe). */
function habitKey(word: string): string {
  const s = stem(word);
  return HABIT_KEY.get(s) ?? s;
}

function number(text: string): string {
  const n = WORD_NUMBERS[text.toLowerCase()];
  return String(n ?? Number(text));
}

interface Rule {
  pattern: RegExp;
  slot: (m: RegExpExecArray, clause: string, sentence: string) => Omit<Slot, "subject"> | undefined;
}

const at = (m: RegExpExecArray) => (m.index ?? 0) + m[0].length;

const RULES: Rule[] = [
  // Residence: "I live in Lisbon", "moved to Berlin", "we've lived in Porto", "based in Austin", "used to live in X".
  {
    pattern:
      /\b(used to live|no longer live|don't live|do not live|not living|live|lives|living|'ve lived|have lived|has lived|moved|relocated|based|settled|now live)\s+(?:back\s+|here\s+|over\s+)?(?:in|to)\s+/i,
    slot: (m, c) => {
      const value = valueAt(c, at(m));
      if (!value) return undefined;
      const negated = /used to|no longer|don't|do not|not living/i.test(m[1]);
      return { attribute: "residence", value, negated };
    },
  },
  // "moved into a new apartment in Brooklyn", "the new place is in Astoria".
  {
    pattern:
      /\b(?:moved into|moving into|bought|renting|rent)\s+(?:a|an|the|our|my)?\s*(?:new\s+|little\s+|tiny\s+)?(?:apartment|place|house|flat|condo|home|studio)\s+in\s+|\b(?:apartment|place|house|flat|condo|home)\s+is\s+(?:now\s+)?in\s+|\bmy\s+new\s+(?:apartment|place|house|flat|condo|home)\s+in\s+/i,
    slot: (m, c) => {
      const value = capitalisedAt(c, at(m), 3);
      return value ? { attribute: "residence", value, negated: false } : undefined;
    },
  },
  // Car: "I drive a 2012 Honda Civic", "bought a used Toyota RAV4" (a capitalised make after it).
  {
    pattern:
      /\b(?:i drive|i have|i own|my car is|bought|got|sold)\s+(?:an?\s+|the\s+|my\s+)?(?:new\s+|used\s+|old\s+)?(?:\d{4}\s+)?/i,
    slot: (m, c, sentence) => {
      if (!/\b(?:car|drive|driving|drove)\b/i.test(sentence) && !/^(?:i drive|my car)/i.test(m[0])) return undefined;
      const value = capitalisedAt(c, at(m), 3);
      return value ? { attribute: "car", value, negated: /sold/i.test(m[0]) } : undefined;
    },
  },
  // Contact: "my email is x@y.z", "new email: …", "my number is …".
  {
    pattern: /\be-?mail\b[^@]{0,24}?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/i,
    slot: (m) => ({ attribute: "email", value: m[1].toLowerCase(), negated: false }),
  },
  {
    pattern: /\b(?:phone|number|cell|mobile)\b[^\d+]{0,20}(\+?\d[\d\s().-]{6,}\d)/i,
    slot: (m) => ({ attribute: "phone", value: m[1].replace(/\D/g, ""), negated: false }),
  },
  // Employer: "work at/for X", "a job at X", "joined X", "started at X", "hired by X", "quit my job at X".
  {
    pattern:
      /\b(used to work|no longer work|work|works|working|'ve worked|have worked|(?:new )?job|position|role|internship|interning|joined|started|start|starting)\s+(?:a new job\s+|working\s+)?(?:at|for|with)\s+|\b(hired|employed)\s+(?:at|by)\s+|\bmy (employer|company) is(?: now)?\s+/i,
    slot: (m, c) => {
      // "I quit my job at Target": the end of a job, read by the rule below.
      if (
        /\b(?:quit|left|leaving|resigned from|fired from|laid off from|lost)\s+(?:my\s+)?$/i.test(c.slice(0, m.index))
      )
        return undefined;
      const value = valueAt(c, at(m), 3);
      if (
        !value ||
        /^\d/.test(value) ||
        /^(?:home|night|weekends?|the moment|least|first|all|once|a|an|it|this|that|them|him|her|my \w+)$/i.test(value)
      )
        return undefined;
      return { attribute: "employer", value, negated: /used to|no longer/i.test(m[1] ?? "") };
    },
  },
  { pattern: /\b(?:joined|joining)\s+/i, slot: (m, c) => employer(capitalisedAt(c, at(m))) },
  // "I do QA at Rivian", "landed a contract gig at Zoox".
  {
    pattern:
      /\b(?:i do|i'm doing|doing)\s+(?:[\w-]+\s+){1,3}?(?:at|for)\s+|\b(?:gig|contract|offer|role|position)\s+(?:at|with)\s+/i,
    slot: (m, c) => employer(capitalisedAt(c, at(m))),
  },
  // "Rivian let a bunch of us go", "they let me go".
  {
    pattern: /\b(\p{Lu}[\p{L}&.-]*)\s+(?:let|laid)\s+(?:me|us|a bunch of us|half of us|some of us)\s+(?:go|off)\b/u,
    slot: (m) => employer(m[1].toLowerCase(), true),
  },
  // "I'm a backend engineer at Shopify", "working as a nurse for the NHS".
  {
    pattern:
      /\b(?:i'm|i am|im|work as|working as|works as)\s+(?:an?\s+)?((?:[\p{L}-]+\s+){0,3}?[\p{L}-]+)\s+(?:at|for|with)\s+/iu,
    slot: (m, c) => {
      const head = m[1].split(/\s+/).at(-1)!;
      return JOB_HEAD.test(head) && !NOT_JOB.has(head.toLowerCase()) ? employer(capitalisedAt(c, at(m))) : undefined;
    },
  },
  {
    pattern:
      /\b(?:quit|left|leaving|resigned from|got laid off from|laid off from|fired from)\s+(?:my (?:job|position|role) (?:at|with)\s+)?/i,
    slot: (m, c) => employer(capitalisedAt(c, at(m)), true),
  },
  // Job: "I work as a nurse", "promoted to team lead", "I'm a teacher (now)", "became a manager".
  {
    pattern:
      /\b(?:work|working|works)\s+as\s+(?:an?\s+)?|\b(?:promoted to|became|become|now an?|new role as|new job as|job title is|i'm now an?|i am now an?|bumped me up to|moved me up to|promoted me to)\s+(?:an?\s+)?/i,
    slot: (m, c) => {
      const value = valueAt(c, at(m), 4);
      return value ? { attribute: "job", value, negated: false } : undefined;
    },
  },
  {
    pattern: /\b(?:i'm|i am|im)\s+(?:a|an)\s+/i,
    slot: (m, c) => {
      const value = valueAt(c, at(m), 4);
      const head = value.split(" ").at(-1) ?? "";
      if (!value || NOT_JOB.has(head) || DIETS.includes(head) || !JOB_HEAD.test(head)) return undefined;
      return { attribute: "job", value, negated: false };
    },
  },
  // School: "study at X", "a student at X", "go to X University", "transferred to X".
  {
    pattern:
      /\b(?:study|studies|studying|student|freshman|sophomore|junior|senior|enrolled|transferred|admitted|accepted|got into|go|goes|going)\s+(?:\w+\s+)?(?:at|to|in|into)\s+/i,
    slot: (m, c) => {
      const value = capitalisedAt(c, at(m), 4);
      if (
        !/^(study|studies|studying|student|freshman|sophomore|enrolled|transferred|admitted|accepted|got)/i.test(
          m[0],
        ) &&
        !/(?:university|college|school|academy|institute|high)\b/i.test(value)
      )
        return undefined;
      return value ? { attribute: "school", value, negated: false } : undefined;
    },
  },
  // Relationship status.
  {
    pattern:
      /\b(?:i'm|i am|im|we're|we are|got|just got|now|getting)\s+(?:now\s+|finally\s+|officially\s+)?(single|engaged|married|divorced|separated|widowed)\b/i,
    slot: (m) => ({ attribute: "relationship", value: m[1].toLowerCase(), negated: false }),
  },
  {
    pattern:
      /\b(?:broke up|split up|we split|we separated|called it quits|called off (?:the|our) engagement|ended things|ended it)\b/i,
    slot: () => ({ attribute: "relationship", value: "single", negated: false }),
  },
  {
    pattern:
      /\b(?:i have|i've got|i got|got)\s+a\s+(?:new\s+)?(?:girlfriend|boyfriend)\b|\b(?:i'm|i am|im)\s+(?:dating|seeing someone|in a relationship)\b/i,
    slot: () => ({ attribute: "relationship", value: "dating", negated: false }),
  },
  {
    pattern: /\bmy\s+(?:new\s+)?(boyfriend|girlfriend|fianc[ée]e?|wife|husband)\b/i,
    slot: (m) => ({
      attribute: "relationship",
      value: /fianc/i.test(m[1]) ? "engaged" : /wife|husband/i.test(m[1]) ? "married" : "dating",
      negated: false,
    }),
  },
  {
    pattern: /\b(?:i'm|i am|im)\s+not\s+(single|married|engaged)\b/i,
    slot: (m) => ({ attribute: "relationship", value: m[1].toLowerCase(), negated: true }),
  },
  // Diet.
  {
    pattern: new RegExp(
      `\\b(no longer|not|stopped being|quit being|gave up being|used to be|bailed on|quit|dropped|ditched|i'm|i am|im|became|become|went|gone|going|turned|now|been|been doing|doing|on a)\\s+(?:a\\s+|fully\\s+|strictly\\s+|mostly\\s+)?(${DIETS.join("|")})\\b`,
      "i",
    ),
    slot: (m) => ({
      attribute: "diet",
      value: m[2].toLowerCase(),
      negated: /no longer|not|stopped|quit|gave up|used to|bailed|dropped|ditched/i.test(m[1]),
    }),
  },
  {
    pattern:
      /\b(?:eat|eating|ate)\s+(?:some\s+)?(?:meat|fish|chicken|eggs|dairy|seafood|pork|beef)\b(?:\s+and\s+\w+)?\s+again\b|\b(?:started|start|back to)\s+eating\s+(?:meat|fish|chicken|seafood|pork|beef)\b/i,
    slot: () => ({ attribute: "diet", value: "omnivore", negated: false }),
  },
  // Numbers: ages, children, salary.
  {
    pattern: new RegExp(
      `\\b(?:is|was|'s|turned|just turned|turns|am|'m|im)\\s+(?:now\\s+|already\\s+)?${NUMBER}\\b(?:\\s*(?:years?|yrs?)(?:\\s*old)?)?`,
      "i",
    ),
    slot: (m, c) => {
      const n = Number(number(m[1]));
      if (!(n >= 0 && n <= 120)) return undefined;
      // "is 5" needs a person before it and nothing after that makes it a count ("is 5 minutes away").
      if (
        /^\s*(?:minutes?|hours?|days?|weeks?|miles?|km|%|percent|times|o'clock|am|pm|dollars?|bucks)/i.test(
          c.slice(at(m)),
        )
      )
        return undefined;
      return { attribute: "age", value: String(n), negated: false };
    },
  },
  {
    pattern:
      /\b(?:my |our |the )?rent(?:'s| is| was| went up to| is now| of)\s+(?:now\s+|going to be\s+|about\s+)?(?=[$€£¥]?\s?\d)/i,
    slot: (m, c) => {
      const value = /^[$€£¥]?\s?\d[\d,.]*/.exec(c.slice(at(m)))?.[0];
      return value ? { attribute: "rent", value: value.replace(/[\s,]/g, ""), negated: false } : undefined;
    },
  },
  {
    pattern: new RegExp(`\\b(?:i have|we have|i've got|we've got|have)\\s+${NUMBER}\\s+(?:kids|children)\\b`, "i"),
    slot: (m) => ({ attribute: "children", value: number(m[1]), negated: false }),
  },
  {
    pattern:
      /\b(?:salary|pay|income)\s+(?:is|of|went up to|is now)\s+|\b(?:i make|i earn|making|earning|i'm at|i am at|now at|raise to|bumped (?:me )?(?:up )?to)\s+/i,
    slot: (m, c) => {
      const value = /^[$€£¥]?\s?\d[\d,.]*\s?(?:k|K|grand)?/.exec(c.slice(at(m)))?.[0];
      return value ? { attribute: "salary", value: value.replace(/\s/g, "").toLowerCase(), negated: false } : undefined;
    },
  },
  // Habits and likes, and their end: "I play tennis", "I love coffee", "I no longer play tennis", "quit coffee".
  {
    pattern:
      /\b(no longer|don't|do not|doesn't|never|not|stopped|quit|gave up|give up|used to|dropped|ditched|cut out)\s+(?:\w+ing\s+|really\s+|even\s+)?(?:(play|drink|eat|smoke|vape|do|practi[cs]e|go|like|love|enjoy|run|swim|cook|watch|read|collect|use|ride|drive|own|have|learn|study)(?:s|ing)?\b\s*)?/i,
    slot: (m, c) => {
      const rest = c.slice(at(m));
      if (/^(?:live|lives|living|work|works|working|being|a |an |my job|the job|job|at |in )/i.test(rest))
        return undefined;
      const thing = habitObject(rest) ?? (m[2] && INTRANSITIVE.test(m[2]) ? habitKey(m[2]) : undefined);
      if (!thing) return undefined;
      // "don't/never X" alone is a standing dislike; it supersedes only with "anymore"/"no longer"/"quit"/"used to".
      if (/^(?:don't|do not|doesn't|never|not)$/i.test(m[1]) && !/\bany ?more\b|\bthese days\b/i.test(c))
        return undefined;
      return { attribute: `habit:${thing}`, value: "", negated: true };
    },
  },
  // "a month without a cigarette", "30 days sober".
  {
    pattern:
      /\b(?:(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?|weeks?|months?|years?)|day\s+\d+)\s+(?:without|free of|off)\s+(?:a single\s+|any\s+|a\s+)?|\b(?:sober)\b/i,
    slot: (m, c) => {
      const thing = /sober/i.test(m[0]) ? habitKey("alcohol") : habitObject(c.slice(at(m)));
      return thing ? { attribute: `habit:${thing}`, value: "", negated: true } : undefined;
    },
  },
  {
    pattern:
      /\b(?:i|we)(?:'ve been|'m| am| have been| really| still| usually| also| now| always)*\s+(play(?:s|ing)?|drink(?:s|ing)?|smok(?:e|es|ing)|vap(?:e|es|ing)|practi[cs](?:e|es|ing)|lov(?:e|es|ing)|lik(?:e|es|ing)|enjoy(?:s|ing)?|ador(?:e|es|ing)|run(?:s|ning)?|swim(?:s|ming)?|collect(?:s|ing)?|rid(?:e|es|ing)|learn(?:s|ing)?|stud(?:y|ies|ying))\b\s*/i,
    slot: (m, c) => {
      const thing = habitObject(c.slice(at(m))) ?? (INTRANSITIVE.test(m[1]) ? habitKey(m[1]) : undefined);
      return thing ? { attribute: `habit:${thing}`, value: "yes", negated: false } : undefined;
    },
  },
  // A plan's day or time: "the meeting is on Tuesday", "my flight moved to 3pm".
  {
    pattern: new RegExp(`\\b(${EVENTS})s?\\b[^.]*?\\b(${DATE}|${WEEKDAY}|${CLOCK})\\b`, "i"),
    slot: (m) => ({
      attribute: `plan:${m[1].toLowerCase()}`,
      value: m[2]
        .toLowerCase()
        .replace(/(\d)(?:st|nd|rd|th)/, "$1")
        .replace(/\s+/g, " "),
      negated: false,
    }),
  },
  // Pets: "my dog Rex", "a cat named Luna"; "Rex died", "my dog passed away".
  {
    pattern: new RegExp(`\\b(?:my|our|a|have a)\\s+(?:\\w+\\s+)?(?:${PET_WORDS})\\s+(?:named\\s+|called\\s+)?`, "i"),
    slot: (m, c) => {
      const name = capitalisedAt(c, at(m), 1);
      return name ? { attribute: `pet:${name}`, value: "yes", negated: false } : undefined;
    },
  },
];

/** A value that must be a name: its first letter a capital ("joined Costco", not "joined the gym"). */
function capitalisedAt(clause: string, start: number, max = 3): string {
  return /^\s*(?:the\s+)?\p{Lu}/u.test(clause.slice(start)) ? valueAt(clause, start, max) : "";
}

function employer(value: string, negated = false): Omit<Slot, "subject"> | undefined {
  return value ? { attribute: "employer", value, negated } : undefined;
}

/** Verbs that are a habit without an object: "I smoke", "I no longer drink". */
const INTRANSITIVE = /^(?:smok|drink|vap|run|swim)/i;

/** The thing of a habit: its first content word, keyed ("playing tennis" → tenni, "caffeine" → coffe). */
function habitObject(rest: string): string | undefined {
  for (const m of rest.matchAll(/[\p{L}][\p{L}'’-]*/gu)) {
    const w = m[0].toLowerCase();
    if (
      [
        "the",
        "a",
        "an",
        "my",
        "our",
        "some",
        "any",
        "single",
        "to",
        "it",
        "that",
        "this",
        "much",
        "so",
        "very",
        "really",
        "playing",
        "eating",
        "doing",
        "going",
        "being",
        "having",
        "anymore",
        "more",
        "completely",
        "totally",
        "entirely",
        "cold",
      ].includes(w)
    )
      continue;
    if (STOP.has(w) || ["you", "him", "her", "them", "it"].includes(w)) return undefined;
    return habitKey(w);
  }
  return undefined;
}

/** Whether an English text names the habit of this key ("I run on coffee" names coffe). */
export function englishNamesHabit(text: string, key: string): boolean {
  return [...text.matchAll(/[\p{L}][\p{L}'’-]*/gu)].some((m) => habitKey(m[0]) === key);
}

/** Pets' deaths and losses: the pet slot of that name ends. */
const PET_GONE =
  /\b(died|passed away|passed|was put down|put (?:him|her) down|put to sleep|ran away|went missing|got lost|rehomed|was rehomed|gave (?:him|her) away|went to live with|found a new home|crossed the rainbow bridge)\b/i;

export function readEnglishClause(clause: string, sentence = clause): { slots: Slot[] } {
  const slots: Slot[] = [];
  for (const rule of RULES) {
    // The first place the rule reads a value at ("sold the old car and bought a used Toyota").
    let m: RegExpExecArray | undefined;
    let found: Omit<Slot, "subject"> | undefined;
    for (const candidate of clause.matchAll(
      new RegExp(rule.pattern.source, rule.pattern.flags.replace("g", "") + "g"),
    )) {
      found = rule.slot(candidate as RegExpExecArray, clause, sentence);
      if (found) {
        m = candidate as RegExpExecArray;
        break;
      }
    }
    if (!m || !found) continue;
    // A rule whose words open with "I" or "we" names its subject itself ("SHE SAID YES, we're engaged").
    const named = /^(?:i|i'm|im|i've|we|we're|we've)\b/i.test(m[0]) ? USER : subjectBefore(clause, m.index ?? 0);
    // An age needs its person ("my flat is 3 stops away" is no one's age).
    if (found.attribute === "age" && (named === undefined || named === "someone else")) continue;
    // A plan is on the user's calendar whoever it is for ("her vet appointment is on the 14th").
    const subject = found.attribute.startsWith("plan:") ? USER : (named ?? USER);
    if (
      slots.some(
        (s) =>
          s.attribute === found.attribute &&
          s.subject === subject &&
          (s.value === found.value || !found.negated === !s.negated),
      )
    )
      continue;
    slots.push({ subject, ...found });
  }
  const gone = PET_GONE.exec(clause);
  if (gone) {
    const named = /(\p{Lu}[\p{Ll}]+)\s+(?:\w+\s+)?$/u.exec(clause.slice(0, gone.index))?.[1];
    if (named) slots.push({ subject: USER, attribute: `pet:${named.toLowerCase()}`, value: "", negated: true });
  }
  return { slots };
}

const CORRECTION =
  /\b(?:i meant|i mean|sorry|oops|correction|my bad|scratch that|misspoke|typo|got the (?:day|date|time|number|name) wrong|wrong (?:day|date|time)|rescheduled|postponed|pushed (?:back )?to|moved (?:it|the \w+) to)\b/i;

/** "Sorry, I meant Thursday", "Oops, I got the day wrong, it's actually Thursday" (a whole sentence). */
export function englishCorrection(sentence: string): Correction | undefined {
  const found = correctionValue(sentence);
  const old =
    /\b(?:i said|i wrote|i typed|said|not|instead of)\s+(?:an?\s+|the\s+)?((?:\p{Lu}[\p{L}&.-]*)(?:\s+\p{Lu}[\p{L}&.-]*){0,2}|\d[\d:.,]*\s?(?:am|pm)?)/u
      .exec(sentence)?.[1]
      ?.replace(/[.,]+$/, "");
  return found && old && old.toLowerCase() !== found.value ? { ...found, old } : found;
}

function correctionValue(sentence: string): Correction | undefined {
  const m = CORRECTION.exec(sentence);
  if (!m) return undefined;
  // Not the value corrected away: "not Tuesday, Thursday".
  const rest = sentence.slice((m.index ?? 0) + m[0].length).replace(/\bnot\s+\w+/gi, "");
  const day = new RegExp(`\\b(${WEEKDAY})\\b`, "i").exec(rest);
  if (day) return { kind: "weekday", value: day[1].toLowerCase() };
  const time = new RegExp(`\\b(${CLOCK})\\b`, "i").exec(rest);
  if (time) return { kind: "time", value: time[1].toLowerCase().replace(/\s/g, "") };
  // "one" is as often a pronoun ("I meant the blue one"): a corrected count is written in digits or as two and up.
  const n = new RegExp(`\\b${NUMBER}\\b`, "i").exec(rest);
  if (n && n[1].toLowerCase() !== "one") return { kind: "number", value: number(n[1]) };
  // "Sorry, I meant Microsoft": a name in the place of the one said before.
  const name =
    /\b(?:meant|mean|it's|it is|is|at|in|for)\s+(?:an?\s+|the\s+)?((?:\p{Lu}[\p{L}&.-]*)(?:\s+\p{Lu}[\p{L}&.-]*){0,2})/u.exec(
      rest,
    );
  const named = name?.[1].replace(/[.]+$/, "");
  if (named && !EN_NOT_NAMES.has(named.toLowerCase())) return { kind: "name", value: named.toLowerCase() };
  return undefined;
}

/** Values a text holds of a correction's kind (to find what "I meant Thursday" corrects). */
export function englishValuesOfKind(
  text: string,
  kind: Exclude<Correction["kind"], "name">,
): { raw: string; value: string }[] {
  const re =
    kind === "weekday"
      ? new RegExp(`\\b(${WEEKDAY})\\b`, "gi")
      : kind === "time"
        ? new RegExp(`\\b(${CLOCK})\\b`, "gi")
        : new RegExp(`\\b${NUMBER}\\b`, "gi");
  return [...text.matchAll(re)].map((m) => ({
    raw: m[1],
    value: kind === "number" ? number(m[1]) : m[1].toLowerCase().replace(/\s/g, ""),
  }));
}
