import { ZH_KIN, ZH_PETS } from "../entities/cues.js";
import { USER, type Correction, type Slot } from "./types.js";

/**
 * Slots of one Chinese clause (see read-en.ts for the idea). Chinese drops the subject freely
 * (搬到北京了), so a clause with no subject before its cue is the user's; 我妹妹, 他, 她 make it
 * someone else's. Values are Intl.Segmenter words: 北京, 字节, 网球.
 */
const words = new Intl.Segmenter("zh", { granularity: "word" });
const KIN = Object.keys(ZH_KIN).sort((a, b) => b.length - a.length);
const PETS = Object.keys(ZH_PETS).sort((a, b) => b.length - a.length);

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const ZH_NUMBER = "[0-9０-９]{1,3}|[一二两三四五六七八九十零〇]{1,3}";

/** 十五 → 15, 二十三 → 23, 5 → 5. */
export function chineseNumber(text: string): number {
  const ascii = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (/^\d+$/.test(ascii)) return Number(ascii);
  const ten = ascii.indexOf("十");
  if (ten < 0) return [...ascii].reduce((n, c) => n * 10 + (DIGITS[c] ?? 0), 0);
  const tens = ten === 0 ? 1 : (DIGITS[ascii[ten - 1]] ?? 1);
  const ones = DIGITS[ascii[ten + 1]] ?? 0;
  return tens * 10 + ones;
}

/** Words that end a value or are no value of their own. */
const NOT_VALUE = new Set(["了", "的", "啦", "呀", "啊", "呢", "吧", "哈", "嘛", "这里", "那里", "这边", "那边", "家里", "家", "附近", "一起", "现在", "已经", "工作", "上班", "住", "生活"]);
const JOB_TAIL =
  /(?:工程师|程序员|设计师|产品经理|项目经理|经理|医生|护士|老师|教师|教授|讲师|律师|会计|厨师|司机|记者|编辑|主任|主管|总监|总裁|顾问|专家|研究员|实习生|学生|研究生|博士生|店长|销售|运营|前端|后端|架构师|警察|演员|作家|画家|歌手|翻译|客服|店员|保安|快递员|外卖员|博主|师|员|家|生)$/u;
const DIETS: [RegExp, string][] = [
  [/吃素|素食|纯素|吃斋/u, "vegetarian"],
  [/生酮/u, "keto"],
];
const EVENTS = "会议|例会|开会|面试|约会|聚餐|饭局|航班|飞机|高铁|考试|复查|体检|婚礼|聚会|手术|预约|课|会";
const WEEKDAY = "(?:周|星期|礼拜)[一二三四五六日天]|明天|后天|今晚";
const CLOCK = "(?:上午|下午|晚上|早上|中午)?[0-9一二三四五六七八九十两]{1,3}点(?:半|[0-9一二三四五六七八九十]{1,2}分?)?";

/** The first word from `start`, with a place or organisation suffix word after it (海淀 + 区). */
function valueAt(clause: string, start: number): string {
  const segs = [...words.segment(clause.slice(start))].filter((s) => s.isWordLike);
  let value = "";
  for (const s of segs) {
    const w = s.segment;
    if (!value) {
      if (NOT_VALUE.has(w) || /^(?:在|到|去|了|的|是|个|一个)$/u.test(w)) continue;
      value = w;
      continue;
    }
    if (/^(?:市|区|省|县|州|公司|大学|学院|中学|小学|集团|科技|银行|医院)$/u.test(w) && s.index === value.length + (clause.slice(start).indexOf(value))) value += w;
    break;
  }
  return value.replace(/[了啦呀啊呢吧]+$/u, "");
}

/** The subject named last before `at`: 我 (or none) is the user; 我妹妹, 他, a name someone else. */
function subjectBefore(clause: string, at: number): string | undefined {
  const before = clause.slice(0, at);
  let best: [number, string] | undefined;
  const consider = (index: number, subject: string) => {
    if (!best || index >= best[0]) best = [index, subject];
  };
  for (const m of before.matchAll(/我们?/gu)) consider(m.index ?? 0, USER);
  for (const kin of [...KIN, ...PETS]) {
    for (let i = before.indexOf(kin); i >= 0; i = before.indexOf(kin, i + 1)) {
      // 我妹妹, 我的狗, 妹妹: a relation's own subject, unless it only qualifies (我和妹妹 → 我们).
      if (!/和$|跟$|与$/u.test(before.slice(0, i))) consider(i + 0.5, ZH_KIN[kin] ?? ZH_PETS[kin]);
    }
  }
  for (const m of before.matchAll(/[他她它](?:们)?|人家|对方/gu)) consider(m.index ?? 0, "someone else");
  return best?.[1];
}

/** A name right before the numbers of an age: 朵朵今年五岁 → 朵朵; 我儿子已经六岁 → 儿子. */
function ageSubject(before: string): string | undefined {
  const trimmed = before.replace(/(?:今年|现在|已经|刚刚|刚|都|才|满|是|也|快|马上|就|还|已)+$/u, "");
  if (/我们?$/u.test(trimmed)) return USER;
  const kin = KIN.find((k) => trimmed.endsWith(k));
  if (kin) return ZH_KIN[kin];
  if (/[他她]$/u.test(trimmed)) return "someone else";
  const name = /\p{Script=Han}{2,4}$/u.exec(trimmed)?.[0];
  return name && !/[的了在]/u.test(name) ? name : undefined;
}

interface Rule {
  pattern: RegExp;
  slot: (m: RegExpExecArray, clause: string) => Omit<Slot, "subject"> | undefined;
}

const end = (m: RegExpExecArray) => (m.index ?? 0) + m[0].length;
const value = (attribute: string, v: string, negated = false) => (v ? { attribute, value: v, negated } : undefined);

const RULES: Rule[] = [
  // Residence: 住在北京, 搬到了上海, 定居在成都, 不住在杭州了, 我在杭州住了五年了.
  { pattern: /(?:不再住|不住|没住|已经不住)在?/u, slot: (m, c) => value("residence", valueAt(c, end(m)), true) },
  // 我住杭州, 我现在住上海: 住 with the place right after it (not 住了五年, 住院, 住宿舍).
  { pattern: /我们?(?:现在|目前|一直|如今)?住(?![在了过的院宿着])/u, slot: (m, c) => {
      const place = valueAt(c, end(m));
      return /^\p{Script=Han}{2,4}$/u.test(place) && !/[年月天]$/u.test(place) ? value("residence", place) : undefined;
    } },
  { pattern: /(?<!不)(住在|搬到了|搬到|搬去了|搬去|搬来了|搬来|搬回了|搬回|定居在|定居于|定居|生活在|落户在|落户)/u, slot: (m, c) => value("residence", valueAt(c, end(m))) },
  { pattern: /在(\p{Script=Han}{2,6}?)(?:住|生活|定居|安家)/u, slot: (m) => value("residence", m[1].replace(/^(?:这|那)$/u, "")) },
  // Employer: 在字节工作, 入职了腾讯, 跳槽到阿里, 去美团上班, 换工作了，现在在字节 (see readChineseSentence).
  { pattern: /在(\p{Script=Han}{2,8}?|[A-Za-z][\w&.-]*)(?:工作|上班|实习|任职|打工)/u, slot: (m) => (/^(?:家|这|那|这里|那里|公司|外地|国外)$/u.test(m[1]) ? undefined : value("employer", m[1])) },
  { pattern: /(?:入职了?|加入了?|跳槽到了?|跳槽去了?|跳槽进了?|去了?)(?=\p{Script=Han}{2,8}(?:上班|工作|实习)|[A-Za-z])/u, slot: (m, c) => {
      const rest = c.slice(end(m));
      const v = /^(?:[A-Za-z][\w&.-]*|\p{Script=Han}{2,8}?)(?=上班|工作|实习|$|[，。！了])/u.exec(rest)?.[0] ?? valueAt(c, end(m));
      return value("employer", v);
    } },
  { pattern: /在(\p{Script=Han}{2,6}?|[A-Za-z][\w&.-]*)(?:做|当|搞)(?=开发|产品|技术|前端|后端|运营|销售|设计|测试|算法|数据|市场|财务|人事|HR|客服|老师|护士|医生|工程师|程序员)/u, slot: (m) => (/^(?:家|这|那|这里|那里)$/u.test(m[1]) ? undefined : value("employer", m[1])) },
  { pattern: /(?:从|离开了?)(\p{Script=Han}{2,8}?|[A-Za-z][\w&.-]*)(?:辞职|离职|走了)/u, slot: (m) => value("employer", m[1], true) },
  { pattern: /(?:辞职了|离职了|被裁了|被辞退了|失业了)/u, slot: () => ({ attribute: "employer", value: "", negated: true }) },
  // Job: 我是一名护士, 当上了经理, 升职为主管, 现在是产品经理, 做前端.
  { pattern: /(?:我是|现在是|目前是|当上了|当了|升职为|升为|升职成|转行做|改行做|在做|做)(?:一名|一个|一位|个|名)?/u, slot: (m, c) => {
      const rest = c.slice(end(m));
      const job = /^[\p{Script=Han}A-Za-z]{1,8}?(?=[，。！的了啦呀]|$)/u.exec(rest)?.[0] ?? "";
      return JOB_TAIL.test(job) && job.length >= 2 ? value("job", job) : undefined;
    } },
  // School: 在浙大读书, 考上了清华, 转学到…
  { pattern: /在(\p{Script=Han}{2,8}?)(?:上学|读书|读研|读博|念书|上大学|读大学|上高中|读高中|读大[一二三四]|读研[一二三])/u, slot: (m) => value("school", m[1]) },
  { pattern: /(?:考上了?|考进了?|转学到了?|转到了?)(?=\p{Script=Han}{2,8})/u, slot: (m, c) => value("school", valueAt(c, end(m))) },
  // Relationship status.
  { pattern: /单身/u, slot: (_m, c) => ({ attribute: "relationship", value: "single", negated: /不再|不是|脱离/u.test(c) }) },
  { pattern: /分手了|分了手|离婚了|离了婚/u, slot: (m) => ({ attribute: "relationship", value: m[0].includes("离") ? "divorced" : "single", negated: false }) },
  { pattern: /脱单了|有(?:男|女)朋友了|在谈恋爱|谈恋爱了|恋爱了|在一起了/u, slot: () => ({ attribute: "relationship", value: "dating", negated: false }) },
  { pattern: /订婚了|订婚啦/u, slot: () => ({ attribute: "relationship", value: "engaged", negated: false }) },
  { pattern: /(?:还没|没有?)结婚|未婚/u, slot: () => ({ attribute: "relationship", value: "married", negated: true }) },
  { pattern: /结婚了|已婚|领证了|结婚啦/u, slot: () => ({ attribute: "relationship", value: "married", negated: false }) },
  // Diet.
  { pattern: /(?:不再|不|没再)(?:吃素|素食|吃斋)了?|开始吃肉|又吃肉|恢复吃肉/u, slot: () => ({ attribute: "diet", value: "vegetarian", negated: true }) },
  { pattern: /吃素|素食|纯素|吃斋|生酮/u, slot: (m, c) => {
      if (/不再|不吃素|没再/u.test(c)) return undefined;
      return value("diet", DIETS.find(([re]) => re.test(m[0]))![1]);
    } },
  // Habits, and their end: 戒了咖啡, 戒烟了, 不再喝咖啡, 已经不打网球了, 网球不打了.
  { pattern: /戒(?:了|掉了?)?(?=\p{Script=Han})/u, slot: (m, c) => {
      const thing = valueAt(c, end(m)) || /(\p{Script=Han}+)戒/u.exec(c)?.[1] || "";
      return thing ? { attribute: `habit:${habitKey(thing)}`, value: "", negated: true } : undefined;
    } },
  { pattern: /把(\p{Script=Han}{1,4})戒/u, slot: (m) => ({ attribute: `habit:${habitKey(m[1])}`, value: "", negated: true }) },
  { pattern: /(?:不再|已经不|早就不|很久不|好久不|再也不|没再|不)(?:喜欢|爱|玩|打|喝|吃|抽|练|跑|弹|学|去|踢|追|养|看|用|做)了?(?=\p{Script=Han})/u, slot: (m, c) => {
      // "不…了" or 不再/已经不/再也不: a habit that ended; a bare 不喝 is a standing dislike.
      if (!/^(?:不再|已经不|早就不|很久不|好久不|再也不|没再)/u.test(m[0]) && !/了|啦/u.test(c.slice(end(m)))) return undefined;
      const thing = valueAt(c, end(m));
      return thing ? { attribute: `habit:${habitKey(thing)}`, value: "", negated: true } : undefined;
    } },
  { pattern: /(\p{Script=Han}{2,4})(?:也)?(?:不|没)(?:再)?(?:玩|打|喝|吃|抽|练|跑|弹|学|踢|追)了/u, slot: (m) => ({ attribute: `habit:${habitKey(m[1])}`, value: "", negated: true }) },
  { pattern: /(?:我们?|喜欢|爱|热爱|迷上了?|常|经常|每天|每周\S?|每晚|平时|一直)(?:都|也|还|会|经常|每天|常)?(?:玩|打|喝|吃|抽|练|跑|弹|学|踢|追)(?=\p{Script=Han})|(?:喜欢|爱|热爱|迷上了?)(?=\p{Script=Han})/u, slot: (m, c) => {
      if (/不|没/u.test(c.slice(Math.max(0, (m.index ?? 0) - 2), m.index ?? 0))) return undefined;
      const thing = valueAt(c, end(m));
      return thing && thing.length >= 2 ? { attribute: `habit:${habitKey(thing)}`, value: "yes", negated: false } : undefined;
    } },
  // Numbers: 朵朵今年五岁, 我儿子已经六岁了, 我有两个孩子, 月薪两万.
  { pattern: new RegExp(`(?<!不是)(${ZH_NUMBER})(?:周)?岁`, "u"), slot: (m) => {
      const n = chineseNumber(m[1]);
      return n >= 0 && n <= 120 ? { attribute: "age", value: String(n), negated: false } : undefined;
    } },
  { pattern: new RegExp(`有(${ZH_NUMBER})个(?:孩子|娃|小孩|宝宝)`, "u"), slot: (m) => value("children", String(chineseNumber(m[1]))) },
  { pattern: /(?:月薪|年薪|工资|薪水|收入)(?:是|涨到了?|现在是|有|才|降到了?)?/u, slot: (m, c) => {
      const v = /^[0-9一二两三四五六七八九十百千万.kK]+(?:万|千|k|K)?/u.exec(c.slice(end(m)))?.[0];
      return v ? value("salary", v) : undefined;
    } },
  // A plan's day or time: 会议在周二, 面试改到周四下午三点.
  { pattern: new RegExp(`(${EVENTS})[^，。]*?(${WEEKDAY}|${CLOCK})|(${WEEKDAY}|${CLOCK})[^，。]*?(${EVENTS})`, "u"), slot: (m) => {
      const event = (m[1] ?? m[4]).replace(/^开会$/u, "会");
      return { attribute: `plan:${event === "会议" || event === "例会" ? "会" : event}`, value: weekdayKey(m[2] ?? m[3]), negated: false };
    } },
  // Pets: 我的狗叫旺财; 旺财去世了.
  { pattern: new RegExp(`(?:${PETS.join("|")})(?:名叫|名字叫|叫做|叫)(\\p{Script=Han}{2,4}?)(?=[，。！了的]|$)`, "u"), slot: (m) => ({ attribute: `pet:${m[1]}`, value: "yes", negated: false }) },
  { pattern: /(\p{Script=Han}{2,6}?)(?:去世了|走了|死了|丢了|送人了|过世了)/u, slot: (m) => {
      const name = m[1].replace(/(?:昨天|今天|前天|上周|上个月|刚刚|刚|已经|也|突然|终于)+$/u, "");
      return name.length < 2 || /^(?:我的?|他|她|你)/u.test(name) ? undefined : { attribute: `pet:${name}`, value: "", negated: true };
    } },
];

/** 网球 and 打网球 are one habit; 烟 of 戒烟 and 抽烟 too. */
function habitKey(thing: string): string {
  return thing.replace(/^(?:玩|打|喝|吃|抽|练|跑|弹|学|踢|追)/u, "") || thing;
}

function weekdayKey(v: string): string {
  return v.replace(/^(?:星期|礼拜)/u, "周").replace(/周天$/u, "周日");
}

export function readChineseClause(clause: string, sentence: string): { slots: Slot[] } {
  const slots: Slot[] = [];
  for (const rule of RULES) {
    const m = rule.pattern.exec(clause);
    if (!m) continue;
    const found = rule.slot(m, clause);
    if (!found || (found.value === "" && !found.negated)) continue;
    const subject = found.attribute === "age" ? ageSubject(clause.slice(0, m.index ?? 0)) : (subjectBefore(clause, m.index ?? 0) ?? USER);
    if (!subject || subject === "someone else" && found.attribute === "age") continue;
    if (slots.some((s) => s.attribute === found.attribute && s.subject === subject)) continue;
    slots.push({ subject, ...found });
  }
  // 换工作了，现在在字节: a bare 在X is the employer when the sentence is about a job change.
  if (!slots.some((s) => s.attribute === "employer") && /换工作|跳槽|入职|新工作|新公司|换了(?:家|个)?公司/u.test(sentence)) {
    const m = /(?:现在|目前|如今)?在(\p{Script=Han}{2,6}|[A-Za-z][\w&.-]*)(?=[了啦，。！]|$)/u.exec(clause);
    if (m && !/^(?:家|这|那|这里|那里)$/u.test(m[1])) slots.push({ subject: subjectBefore(clause, m.index ?? 0) ?? USER, attribute: "employer", value: m[1], negated: false });
  }
  return { slots };
}

const CORRECTION = /说错了|打错了|搞错了|记错了|更正|纠正一下|口误|不对不对|我是说|我的意思是/u;

/** 说错了，是周四 / 不是周二，是周四: the value the user meant (the sentence, not one clause). */
export function chineseCorrection(sentence: string): Correction | undefined {
  const marker = CORRECTION.exec(sentence) ?? /不是[^，。]{1,12}[，,]\s*(?:而)?是/u.exec(sentence);
  if (!marker) return undefined;
  const rest = sentence.slice((marker.index ?? 0) + marker[0].length).replace(/不是[^，。]*?(?=[，。]|$)/gu, "");
  const day = new RegExp(WEEKDAY, "u").exec(rest);
  if (day) return { kind: "weekday", value: weekdayKey(day[0]) };
  const time = new RegExp(CLOCK, "u").exec(rest);
  if (time) return { kind: "time", value: time[0] };
  const n = new RegExp(`(${ZH_NUMBER})`, "u").exec(rest);
  if (n) return { kind: "number", value: String(chineseNumber(n[1])) };
  return undefined;
}

export function chineseValuesOfKind(text: string, kind: Correction["kind"]): string[] {
  const re = kind === "weekday" ? new RegExp(WEEKDAY, "gu") : kind === "time" ? new RegExp(CLOCK, "gu") : new RegExp(`(${ZH_NUMBER})`, "gu");
  return [...text.matchAll(re)].map((m) => (kind === "weekday" ? weekdayKey(m[0]) : kind === "number" ? String(chineseNumber(m[1])) : m[0]));
}
