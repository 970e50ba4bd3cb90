import {
  EN_ADDRESS_OPENERS,
  EN_KIN,
  EN_LIVE_CUES,
  EN_NOT_NAMES,
  EN_ORG_CUES,
  EN_ORG_SUFFIXES,
  EN_PETS,
  EN_PLACE_PREPOSITIONS,
  EN_PLACE_SUFFIXES,
  EN_WORK_CUES,
} from "./cues.js";
import { hedgesOf, sentenceWideHedge } from "../slots/hedge.js";
import {
  USER_ENTITY,
  type DetectedEntities,
  type EntityKind,
  type EntityMention,
  type RelationMention,
} from "./types.js";

const sentences = new Intl.Segmenter("en", { granularity: "sentence" });
const words = new Intl.Segmenter("en", { granularity: "word" });
const CAPITALISED = /^\p{Lu}/u;
const ACRONYM = /^\p{Lu}{2,}$/u;
/** Small words that may sit inside a name ("Bank of America", "Charlotte's Web" is two capitals). */
const NAME_JOINERS = new Set(["of", "de", "van", "von", "da", "del", "la", "le"]);

interface Word {
  text: string;
  start: number;
  end: number;
}

/**
 * Entities in English text: capitalised word sequences that do not open a sentence (a sentence's
 * first word is capitalised whatever it is, so it counts only when the user already has an entity
 * of that name), and the cues around them: "my sister Melanie" (a person and her relation to the
 * user), "my dog Rex" (a pet), "in Paris" (a place), "works at Acme" (an organisation). A role with
 * no name ("my sister", "my kids") is a mention of its own, resolved to a name once one is given.
 * `owner` is whose "my" it is: the user, or the speaker of a transcript line.
 */
export function detectEnglish(text: string, owner: string, known: (name: string) => boolean): DetectedEntities {
  const entities: EntityMention[] = [];
  const relations: RelationMention[] = [];
  for (const { segment, index } of sentences.segment(text)) {
    const ws = wordsOf(segment, index);
    let i = 0;
    while (i < ws.length) {
      const before = text.slice(Math.max(0, ws[i].start - 40), ws[i].start);
      const role = roleBefore(ws, i);
      const seq = nameSequence(text, ws, i);
      if (seq.length === 0) {
        if (role && !isCapitalised(ws[i + 1]?.text) && !nameFollows(ws, i)) entities.push(roleMention(role, owner));
        i++;
        continue;
      }
      const last = seq[seq.length - 1];
      // "Counter-Strike", "Middle-earth": a hyphenated tail belongs to the name.
      const tail = /^-[\p{L}\p{N}]+/u.exec(text.slice(last.end))?.[0] ?? "";
      const raw = text.slice(seq[0].start, last.end) + tail;
      const name = cleanName(raw);
      const quoted = /["“]$/u.test(text.slice(0, seq[0].start));
      i = ws.indexOf(last) + 1;
      while (tail && ws[i] && ws[i].start < last.end + tail.length) i++;
      // "Melanie's kids": her role, the same entity as the "my kids" of her own lines.
      const kin = /['’]s$/u.test(raw) ? ws[i]?.text.toLowerCase() : undefined;
      const possessed = kin ? (EN_KIN[kin] ?? EN_PETS[kin]) : undefined;
      if (possessed && text.slice(ws[i - 1].end, ws[i].start) === " ")
        entities.push(roleMention({ role: possessed, pet: !EN_KIN[kin!] }, name));
      const atStart =
        seq[0] === ws[0] ||
        (seq[0] === ws[1] && EN_NOT_NAMES.has(ws[0].text.toLowerCase()) && text.slice(ws[0].end, seq[0].start) === " ");
      if (EN_NOT_NAMES.has(name.toLowerCase()) || name.length < 2) continue;
      if (atStart && !role && !known(name)) continue;
      // A quoted title ("Becoming Nicole") is a work: a book, a song, a game.
      const kind = quoted && !role ? "product" : kindOf(name, before, role);
      const addressed = !role && isAddressed(text, seq[0].start, last.end + tail.length);
      entities.push({ name, kind, ...(role ? { role: role.role } : {}), ...(addressed ? { addressed } : {}) });
      if (role) relations.push(roleRelation(role, name, owner));
      // A question, a hypothetical or someone's words states no relation ("If I moved to Paris …").
      const states = hedgesOf(clauseAround(segment, seq[0].start - index)).length === 0;
      if (states && kind === "place" && EN_LIVE_CUES.some((c) => c.test(before)))
        relations.push({ from: owner, type: "lives in", to: name });
      if (states && kind === "organisation" && EN_WORK_CUES.some((c) => c.test(before)))
        relations.push({ from: owner, type: "works at", to: name });
    }
  }
  return { entities, relations };
}

/** The clause of a sentence around a position (commas and semicolons bound it). */
function clauseAround(sentence: string, at: number): string {
  const start = Math.max(sentence.lastIndexOf(",", at - 1), sentence.lastIndexOf(";", at - 1)) + 1;
  const ends = [",", ";"].map((c) => sentence.indexOf(c, at)).filter((e) => e >= 0);
  // A hypothetical opening the sentence colours the rest of it too.
  const opening = sentenceWideHedge(sentence.split(/[,;]/)[0]) ? sentence.split(/[,;]/)[0] + " " : "";
  return opening + sentence.slice(start, ends.length ? Math.min(...ends) : sentence.length);
}

function wordsOf(sentence: string, offset: number): Word[] {
  const out: Word[] = [];
  for (const { segment, index, isWordLike } of words.segment(sentence)) {
    if (isWordLike) out.push({ text: segment, start: offset + index, end: offset + index + segment.length });
  }
  return out;
}

function isCapitalised(word: string | undefined): boolean {
  return !!word && CAPITALISED.test(word) && !EN_NOT_NAMES.has(word.toLowerCase());
}

/** Words from i on that form one name: capitalised, separated by spaces only (or a joiner). */
function nameSequence(text: string, ws: Word[], i: number): Word[] {
  if (!CAPITALISED.test(ws[i].text)) return [];
  const seq = [ws[i]];
  for (let j = i + 1; j < ws.length; j++) {
    const gap = text.slice(seq[seq.length - 1].end, ws[j].start);
    if (gap !== " ") break;
    if (CAPITALISED.test(ws[j].text) && !EN_NOT_NAMES.has(ws[j].text.toLowerCase())) seq.push(ws[j]);
    else if (
      NAME_JOINERS.has(ws[j].text) &&
      CAPITALISED.test(ws[j + 1]?.text ?? "") &&
      text.slice(ws[j].end, ws[j + 1].start) === " "
    ) {
      seq.push(ws[j], ws[j + 1]);
      j++;
    } else break;
  }
  // A sentence-opening greeting or filler is not part of the name after it ("Thanks Melanie").
  while (seq.length > 1 && EN_NOT_NAMES.has(seq[0].text.toLowerCase())) seq.shift();
  return seq;
}

function cleanName(raw: string): string {
  return raw.replace(/['’]s$/u, "").trim();
}

interface Role {
  role: string;
  pet: boolean;
}

/** "my (little) sister" or "my dog" right before word i (or "dog named"): the role it gives. */
function roleBefore(ws: Word[], i: number): Role | undefined {
  const lower = (k: number) => ws[k]?.text.toLowerCase();
  for (const back of [1, 2]) {
    const noun = lower(i - 1);
    if (back === 2 && !["named", "called"].includes(noun ?? "")) continue;
    const at = i - back;
    const word = lower(at);
    if (!word) continue;
    const kin = EN_KIN[word];
    const pet = EN_PETS[word];
    if (!kin && !pet) continue;
    const my = lower(at - 1) === "my" || lower(at - 2) === "my" || lower(at - 1) === "our" || back === 2;
    if (my) return { role: kin ?? pet, pet: !kin };
  }
  const named = namingPhraseBefore(ws, i);
  const namedRole = named && (EN_KIN[named.word] ?? EN_PETS[named.word]);
  if (named && namedRole && ownedAt(ws, named.at)) return { role: namedRole, pet: !EN_KIN[named.word] };
  // The role noun itself at i ("my sister" with no name after it).
  const word = lower(i);
  const role = word && (EN_KIN[word] ?? EN_PETS[word]);
  if (
    role &&
    (lower(i - 1) === "my" ||
      (lower(i - 2) === "my" && /^(little|older|younger|big|baby|new|two|best|old|late)$/.test(lower(i - 1) ?? "")))
  ) {
    return { role, pet: !EN_KIN[word] };
  }
  return undefined;
}

/** "my sister", "our dog", "my little sister": the role word at `at` is the speaker's. */
function ownedAt(ws: Word[], at: number): boolean {
  const lower = (k: number) => ws[k]?.text.toLowerCase();
  return lower(at - 1) === "my" || lower(at - 1) === "our" || lower(at - 2) === "my";
}

/**
 * "sister is called Anna", "sister's named Anna", "sister's name is Anna": the role word (without
 * its 's) of a phrase that names the word at i, and where it stands.
 */
function namingPhraseBefore(ws: Word[], i: number): { word: string; at: number } | undefined {
  const lower = (k: number) => ws[k]?.text.toLowerCase() ?? "";
  const possessive = /['’]s$/u;
  if (lower(i - 1) === "called" || lower(i - 1) === "named") {
    if (lower(i - 2) === "is" || lower(i - 2) === "was") return { word: lower(i - 3), at: i - 3 };
    if (possessive.test(lower(i - 2))) return { word: lower(i - 2).replace(possessive, ""), at: i - 2 };
  }
  if ((lower(i - 1) === "is" || lower(i - 1) === "was") && lower(i - 2) === "name" && possessive.test(lower(i - 3))) {
    return { word: lower(i - 3).replace(possessive, ""), at: i - 3 };
  }
  return undefined;
}

/**
 * Whether the role word at i, or right before it, is named a few words on ("my sister is called
 * Anna"): the name carries the role, so the role is no mention of its own.
 */
function nameFollows(ws: Word[], i: number): boolean {
  for (let k = i + 1; k <= i + 4 && k < ws.length; k++) {
    const at = isCapitalised(ws[k].text) ? namingPhraseBefore(ws, k)?.at : undefined;
    if (at === i || at === i - 1) return true;
  }
  return false;
}

function roleMention(role: Role, owner: string): EntityMention {
  return {
    name: role.role,
    kind: role.pet ? "pet" : "person",
    role: role.role,
    ...(owner === USER_ENTITY ? {} : { of: owner }),
  };
}

function roleRelation(role: Role, name: string, owner: string): RelationMention {
  return role.pet ? { from: owner, type: "owns", to: name } : { from: name, type: `${role.role} of`, to: owner };
}

function kindOf(name: string, before: string, role: Role | undefined): EntityKind {
  if (role) return role.pet ? "pet" : "person";
  const parts = name.toLowerCase().split(/\s+/);
  const last = parts[parts.length - 1];
  if (EN_ORG_SUFFIXES.has(last) || EN_ORG_CUES.some((c) => c.test(before))) return "organisation";
  if (EN_PLACE_SUFFIXES.has(last)) return "place";
  const prev = /(\p{L}+)\s*$/u.exec(before)?.[1]?.toLowerCase();
  if (prev && (EN_PLACE_PREPOSITIONS.has(prev) || EN_LIVE_CUES.some((c) => c.test(before)))) return "place";
  if (ACRONYM.test(name)) return "topic";
  return parts.length <= 2 ? "person" : "topic";
}

const ADDRESS_OPENER = new RegExp(`(?:^|[^\\p{L}])(?:${EN_ADDRESS_OPENERS.join("|")})[ ,]*$`, "iu");

/**
 * Whether the name at [start, end) speaks to the listener rather than of someone: after a
 * greeting or an interjection ("Hey Caroline!", "Thanks, Mel"), or set off by a comma and closing
 * its sentence ("That's cool, Caroline!", "Yep, Mel."). A name opening a sentence before a comma is
 * not taken as one: "John, along with his family, works out" is about John.
 */
function isAddressed(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 30), start);
  if (ADDRESS_OPENER.test(before)) return true;
  // Not a comma after it: "my old area, West County, too" sets a name off on both sides without addressing it.
  return /,\s*$/u.test(before) && /^(?:[!?.;]|$)/u.test(text.slice(end, end + 1));
}
