import {
  ZH_ADDRESS_OPENERS,
  ZH_KIN,
  ZH_NAME_STOP,
  ZH_NOT_PLACES,
  ZH_PLACE_CUES,
  ZH_ORG_SUFFIXES,
  ZH_PERSON_CUES,
  ZH_PETS,
  ZH_PLACE_SUFFIXES,
  ZH_SURNAMES,
  ZH_TRANSLIT,
} from "./cues.js";
import { saysMore } from "./names.js";
import { hedgesOf, sentenceWideHedge } from "../slots/hedge.js";
import { USER_ENTITY, type DetectedEntities, type EntityMention, type RelationMention } from "./types.js";

const HAN = /\p{Script=Han}/u;
/**
 * After a bare place name comes punctuation, the end, or a particle (杭州。, 杭州的, 杭州已经…); a
 * word the segmenter cut out of a longer name is followed by the rest of it (戈尔|韦).
 */
const wordEnds = (next: string | undefined) =>
  next === undefined || !HAN.test(next) || "的了和与也都已还".includes(next);
/** 一个小镇, 这座城市, 几个地方: a count or a pointer, not a name. */
const QUANTIFIER_START = /^[一两几这那每某多半个]/u;
const words = new Intl.Segmenter("zh", { granularity: "word" });
const KIN_WORDS = Object.keys(ZH_KIN).sort((a, b) => b.length - a.length);
const PET_WORDS = Object.keys(ZH_PETS).sort((a, b) => b.length - a.length);
const OWNERS = ["我的", "我们的", "我", "我们"];
const ZH_VOCATIVE_CUES = new Set(["嘿，", "嘿", "嗨，", "嗨", "谢谢", "谢谢你，", "感谢", "亲爱的"]);

/**
 * Entities in Chinese text. Chinese has no capitals, so names are found by context:
 * - after a kinship or pet word owned by the speaker (我的妹妹梅兰妮, 我妹妹, 我的狗叫旺财),
 * - a run of the characters used to transcribe foreign names after a person cue (和梅兰妮,
 *   嘿，卡罗琳, 谢谢梅尔) or before 的 (梅兰妮的孩子),
 * - a name the user's entities already hold, wherever it appears;
 * - places and organisations by their last word (杭州市, 阿里巴巴公司, 在…工作 → works at),
 * - Latin-script names and acronyms inside Chinese text (LGBTQ, iPhone).
 * Intl.Segmenter's dictionary words bound places and organisations; the name runs bound people.
 */
export function detectChinese(
  text: string,
  owner: string,
  known: (name: string) => boolean,
  knownNames: string[],
): DetectedEntities {
  const entities: EntityMention[] = [];
  const relations: RelationMention[] = [];
  const add = (m: EntityMention) => entities.push(m);
  const of = owner === USER_ENTITY ? {} : { of: owner };

  for (let i = 0; i < text.length; i++) {
    const head = text.slice(i);
    const ownerWord = OWNERS.find((o) => head.startsWith(o));
    if (ownerWord) {
      const rest = head.slice(ownerWord.length);
      const kin = KIN_WORDS.find((k) => rest.startsWith(k));
      const pet = kin ? undefined : PET_WORDS.find((k) => rest.startsWith(k));
      if (kin || pet) {
        const roleWord = (kin ?? pet)!;
        const role = kin ? ZH_KIN[kin] : ZH_PETS[pet!];
        let after = rest.slice(roleWord.length);
        const called = /^(名叫|名字叫|叫做|叫)/u.exec(after);
        if (called) after = after.slice(called[0].length);
        // A pet's name needs 叫 before it: 我的乌龟慢慢爬 names no pet.
        const name = kin
          ? (personNameAt(after) ?? (called ? givenNameAt(after, called[0] !== "叫") : undefined))
          : called
            ? petNameAt(after)
            : undefined;
        if (name) {
          add({ name, kind: kin ? "person" : "pet", role });
          relations.push(kin ? { from: name, type: `${role} of`, to: owner } : { from: owner, type: "owns", to: name });
        } else if (!HAN.test(after[0] ?? "") || ZH_NAME_STOP.has(after[0]) || after.startsWith("们")) {
          add({ name: role, kind: kin ? "person" : "pet", role, ...of });
        }
        i += ownerWord.length + roleWord.length - 1;
        continue;
      }
    }
    const cue = ZH_PERSON_CUES.find((c) => head.startsWith(c));
    if (cue) {
      const name = translitRun(head.slice(cue.length));
      // Two characters make a name only when addressed (嘿，梅尔！): after 和/与 they are as often a word (与伦比).
      if (name.length >= 3 || (name.length === 2 && ZH_VOCATIVE_CUES.has(cue))) add({ name, kind: "person" });
    }
  }
  // A transcribed name right before 的 or opening a clause with a comma: 梅兰妮的孩子, 卡罗琳，你…
  for (const m of text.matchAll(/(?:^|[，。！？、\s])([\p{Script=Han}]{2,5})(?=的|，|！)/gu)) {
    const name = m[1];
    if ([...name].every((c) => ZH_TRANSLIT.has(c)) && name.length >= 3) add({ name, kind: "person" });
  }
  // 梅兰妮的孩子们: her role, the same entity as the 我的孩子们 of her own lines.
  for (const name of [...entities.filter((e) => e.kind === "person" && !e.role).map((e) => e.name), ...knownNames]) {
    const at = text.indexOf(`${name}的`);
    if (at < 0) continue;
    const rest = text.slice(at + name.length + 1);
    const kin = KIN_WORDS.find((k) => rest.startsWith(k));
    const pet = kin ? undefined : PET_WORDS.find((k) => rest.startsWith(k));
    if (kin || pet)
      add({
        name: kin ? ZH_KIN[kin] : ZH_PETS[pet!],
        kind: kin ? "person" : "pet",
        role: kin ? ZH_KIN[kin] : ZH_PETS[pet!],
        of: name,
      });
  }
  for (const name of knownNames)
    if (name.length >= 2 && HAN.test(name) && text.includes(name) && known(name)) add({ name, kind: "person" });
  placesAndOrganisations(text, owner, add, relations);
  for (const m of text.matchAll(/[A-Z][A-Za-z0-9&+.-]*(?: [A-Z][A-Za-z0-9&+.-]*)*/g)) {
    const name = m[0].replace(/[.+-]+$/, "");
    if (name.length >= 2) add({ name, kind: /^[A-Z]{2,}$/.test(name) ? "topic" : "person" });
  }
  for (const m of entities) if (m.kind === "person" && !m.role && onlyAddressed(text, m.name)) m.addressed = true;
  return { entities: dedupe(entities), relations };
}

/** Before a name that addresses the listener: a clause boundary or a greeting (嘿，梅尔！ 谢谢梅尔！ 太棒了，卡罗琳！). */
const ADDRESS_BEFORE = new RegExp(`(?:[，、：；…—\\s]|${ZH_ADDRESS_OPENERS.join("|")})$`, "u");
/** After it: the clause ends (…，卡罗琳！ 完全同意，梅尔。). */
const ADDRESS_AFTER = /^(?:[！，。？、…!?,.]|$)/u;

/**
 * Whether every mention of the name addresses the listener (嘿，卡罗琳！, 完全同意，梅尔。) rather
 * than naming whom the text is about: in a transcript the one spoken to is not the one spoken of.
 */
function onlyAddressed(text: string, name: string): boolean {
  let seen = false;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    seen = true;
    if (!ADDRESS_BEFORE.test(text.slice(Math.max(0, at - 3), at)) || !ADDRESS_AFTER.test(text.slice(at + name.length)))
      return false;
  }
  return seen;
}

/** A transcribed name (梅兰妮) or a native one (surname + one or two characters) at the start of s. */
function personNameAt(s: string): string | undefined {
  const run = translitRun(s);
  if (run.length >= 2) return run;
  if (ZH_SURNAMES.has(s[0])) {
    let n = 1;
    while (n < 3 && HAN.test(s[n] ?? "") && !ZH_NAME_STOP.has(s[n])) n++;
    if (n >= 2) return s.slice(0, n);
  }
  return undefined;
}

/**
 * A given name without a surname after 叫 (我妹妹叫小红, 我哥哥叫阿明, 我女儿叫明明): 小 or 阿 and a
 * character, or a doubled one. A bare 叫 also means "tells" or "orders" (我妈妈叫我回家, 我朋友叫外卖),
 * so other words count only after 名叫, 叫做 or 名字叫 (`surelyNamed`).
 */
function givenNameAt(s: string, surelyNamed: boolean): string | undefined {
  if (!HAN.test(s[0] ?? "") || "我你您他她它".includes(s[0])) return undefined;
  const second = s[1] ?? "";
  if (!HAN.test(second) || ZH_NAME_STOP.has(second)) return undefined;
  if ("小阿".includes(s[0]) || s[0] === second) return s.slice(0, 2);
  return surelyNamed ? petNameAt(s)?.slice(0, 3) : undefined;
}

/** A pet's name after 叫: up to four characters, to the first particle or punctuation. */
function petNameAt(s: string): string | undefined {
  let n = 0;
  while (n < s.length && n < 4 && HAN.test(s[n]) && !ZH_NAME_STOP.has(s[n])) n++;
  return n >= 2 ? s.slice(0, n) : undefined;
}

function translitRun(s: string): string {
  let n = 0;
  while (n < s.length && n < 6 && ZH_TRANSLIT.has(s[n])) n++;
  return s.slice(0, n);
}

function placesAndOrganisations(
  text: string,
  owner: string,
  add: (m: EntityMention) => void,
  relations: RelationMention[],
): void {
  const segs = [...words.segment(text)].filter((s) => s.isWordLike);
  for (let k = 0; k < segs.length; k++) {
    const w = segs[k].segment;
    if (!HAN.test(w)) continue;
    const org = ZH_ORG_SUFFIXES.find((s) => w.endsWith(s));
    const joined = org && w.length === org.length ? joinBefore(segs, k) : undefined;
    const orgName = org && w.length > org.length && !ZH_NAME_STOP.has(w[0]) ? w : joined ? joined + w : undefined;
    if (orgName) {
      add({ name: orgName, kind: "organisation" });
      const start = joined ? segs[k - 1].index : segs[k].index;
      const before = text.slice(Math.max(0, start - 4), start);
      if (/我在$|我们在$/.test(before) && /^(工作|上班|实习)/.test(text.slice(segs[k].index + w.length))) {
        relations.push({ from: owner, type: "works at", to: orgName });
      }
      continue;
    }
    // A one-character suffix needs two characters before it (杭州市, 海淀区): 社区, 公路, 城市 are words.
    const place = ZH_PLACE_SUFFIXES.find(
      (s) => w.endsWith(s) && w.length >= s.length + (s.length === 1 ? 2 : 1) && w.length <= 6,
    );
    // A bare name (杭州, 上海) after a residence or origin word: 我住在杭州, 她来自成都.
    const cued =
      !place &&
      w.length >= 2 &&
      w.length <= 4 &&
      !ZH_NOT_PLACES.has(w) &&
      !QUANTIFIER_START.test(w) &&
      ZH_PLACE_CUES.some((c) => text.slice(0, segs[k].index).endsWith(c)) &&
      wordEnds(text[segs[k].index + w.length]);
    if (place || cued) {
      add({ name: w, kind: "place" });
      const before = text.slice(Math.max(0, segs[k].index - 10), segs[k].index);
      // The one who lives there must be the speaker: 我住在上海, not 我妈妈住在上海; a time may
      // stand between them (我上个月搬到北京, 我们去年年底搬到了成都); not in a question, a
      // hypothetical or someone's words (要是我搬到上海).
      if (
        /我们?(?:现在|已经|刚刚?|也|最近|前不久|[年月](?:初|底|中)|(?:上个?|这个?|今|去|前)(?:月|年|周|星期)(?:初|底|中)?)*(?:住在|生活在|搬到了?|搬去了?)$/u.test(
          before,
        ) &&
        !KIN_WORDS.some((kin) => before.includes(kin)) &&
        !hedgedAt(text, segs[k].index)
      ) {
        relations.push({ from: owner, type: "lives in", to: w });
      }
    }
  }
}

/**
 * Whether the clause around `at` is a question, a hypothetical, a plan or someone's words
 * (slots/hedge.ts); a hypothetical opening the sentence (要是我…，) colours all of it.
 */
function hedgedAt(text: string, at: number): boolean {
  const bound = (marks: string[]) => {
    const start = Math.max(...marks.map((c) => text.lastIndexOf(c, at - 1))) + 1;
    const ends = marks.map((c) => text.indexOf(c, at)).filter((e) => e >= 0);
    return text.slice(start, ends.length ? Math.min(...ends) + 1 : text.length);
  };
  const sentence = bound(["。", "！", "？", "\n"]);
  return (
    hedgesOf(bound(["。", "！", "？", "\n", "，", "；"])).length > 0 ||
    sentenceWideHedge(sentence.split(/[，；]/u)[0]) !== undefined
  );
}

/**
 * 阿里巴巴 + 公司 segmented apart: the organisation is the word
 * before (a dictionary word of two or more characters) and the suffix.
 */
function joinBefore(segs: Intl.SegmentData[], k: number): string | undefined {
  const prev = segs[k - 1];
  if (!prev || prev.index + prev.segment.length !== segs[k].index) return undefined;
  // Only a name can stand there safely (阿里巴巴, Acme): a word before 学校 is as often a verb (认为学校).
  const isName =
    [...prev.segment].length >= 2 &&
    ([...prev.segment].every((c) => ZH_TRANSLIT.has(c)) || /^[A-Za-z][\w&-]*$/.test(prev.segment));
  return isName ? prev.segment : undefined;
}

function dedupe(list: EntityMention[]): EntityMention[] {
  const seen = new Map<string, EntityMention>();
  for (const m of list) {
    const key = `${m.name}\u0000${m.of ?? ""}`;
    if (saysMore(m, seen.get(key))) seen.set(key, m);
  }
  return [...seen.values()];
}
