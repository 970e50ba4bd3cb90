import { ZH_KIN, ZH_PETS } from "../entities/cues.js";
import { USER, type Correction, type Slot } from "./types.js";

/**
 * Slots of one Chinese clause (see read-en.ts for the idea). Chinese drops the subject freely
 * (搬到北京了), so a clause with no subject before its cue is the user's; 我妹妹, 他, 她 make it
 * someone else's. Values are Intl.Segmenter words: 北京, 字节, 网球.
 */
const words = new Intl.Segmenter("zh", { granularity: "word" });
const KIN = Object.keys(ZH_KIN).sort((a, b) => b.length - a.length);
/** Pet words, with the breeds people name their pet by (我养了只柯基叫豆包). */
const BREEDS = "柯基 泰迪 金毛 哈士奇 柴犬 拉布拉多 边牧 萨摩耶 比熊 博美 布偶 英短 美短 橘猫 狸花猫 暹罗".split(" ");
const PETS = [...Object.keys(ZH_PETS), ...BREEDS].sort((a, b) => b.length - a.length);

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const ZH_NUMBER = "[0-9０-９]{1,3}|[一二两三四五六七八九十零〇]{1,3}";

/** 十五 → 15, 二十三 → 23, 5 → 5. */
function chineseNumber(text: string): number {
  const ascii = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (/^\d+$/.test(ascii)) return Number(ascii);
  const ten = ascii.indexOf("十");
  if (ten < 0) return [...ascii].reduce((n, c) => n * 10 + (DIGITS[c] ?? 0), 0);
  const tens = ten === 0 ? 1 : (DIGITS[ascii[ten - 1]] ?? 1);
  const ones = DIGITS[ascii[ten + 1]] ?? 0;
  return tens * 10 + ones;
}

/** Words that end a value or are no value of their own. */
const NOT_VALUE = new Set([
  "了",
  "的",
  "啦",
  "呀",
  "啊",
  "呢",
  "吧",
  "哈",
  "嘛",
  "这里",
  "那里",
  "这边",
  "那边",
  "家里",
  "家",
  "附近",
  "一起",
  "现在",
  "已经",
  "工作",
  "上班",
  "住",
  "生活",
]);
const JOB_TAIL =
  /(?:工程师|程序员|设计师|产品经理|项目经理|经理|医生|护士|老师|教师|教授|讲师|律师|会计|厨师|司机|记者|编辑|主任|主管|总监|总裁|顾问|专家|研究员|实习生|学生|研究生|博士生|店长|销售|运营|前端|后端|架构师|警察|演员|作家|画家|歌手|翻译|客服|店员|保安|快递员|外卖员|博主|幼师|师|员|家|生|长)$/u;
const DIETS: [RegExp, string][] = [
  [/吃素|素食|纯素|吃斋/u, "vegetarian"],
  [/生酮/u, "keto"],
];
const EVENTS =
  "会议|例会|开会|面试|约会|聚餐|饭局|航班|飞机|机票|高铁|火车|车票|票|考试|复查|体检|婚礼|聚会|手术|预约|课|会";
/** Trips are one plan whatever carries them: 高铁票 then 票改签了. */
const TRAVEL = /^(?:航班|飞机|机票|高铁|火车|车票|票)$/u;
const WEEKDAY =
  "(?:周|星期|礼拜)[一二三四五六日天]|明天|后天|今晚|[0-9０-９]{1,2}(?:号|日)|[一二三四五六七八九十]{1,3}号";
/** Family words the entity cues leave out that name a child or a partner in chat (闺女朵朵, 我家娃). */
const MORE_KIN: Record<string, string> = {
  闺女: "女儿",
  宝宝: "孩子",
  娃: "孩子",
  大宝: "孩子",
  二宝: "孩子",
  小孩: "孩子",
  对象: "对象",
  媳妇: "妻子",
  闺蜜: "朋友",
  哥们: "朋友",
  兄弟: "朋友",
  发小: "朋友",
  好友: "朋友",
  同学: "同学",
  领导: "老板",
  上司: "老板",
  表哥: "表哥",
};
/** Habits under several words (冰美式 is coffee; 烟瘾 and 抽烟 are smoking). */
const ZH_HABIT_GROUPS: string[][] = [
  ["咖啡", "美式", "拿铁", "冰美式", "星巴克", "瑞幸"],
  ["烟", "抽烟", "香烟", "烟瘾", "吸烟"],
  ["酒", "喝酒", "啤酒", "白酒", "红酒"],
  ["奶茶"],
];

/** Whether a Chinese text names the habit of this key (any word of its group). */
export function chineseNamesHabit(text: string, key: string): boolean {
  const group = ZH_HABIT_GROUPS.find((g) => g.includes(key)) ?? [key];
  return group.some((w) => text.includes(w));
}
const CLOCK =
  "(?:上午|下午|晚上|早上|中午)?[0-9一二三四五六七八九十两]{1,3}点(?:半|[0-9一二三四五六七八九十]{1,2}分?)?";

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
    if (
      /^(?:市|区|省|县|州|公司|大学|学院|中学|小学|集团|科技|银行|医院)$/u.test(w) &&
      s.index === value.length + clause.slice(start).indexOf(value)
    )
      value += w;
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
  for (const kin of [...KIN, ...PETS, ...Object.keys(MORE_KIN)]) {
    for (let i = before.indexOf(kin); i >= 0; i = before.indexOf(kin, i + 1)) {
      // 我妹妹, 我的狗, 妹妹: a relation's own subject, unless it only qualifies (我和妹妹 → 我们).
      if (!/和$|跟$|与$/u.test(before.slice(0, i))) consider(i + 0.5, ZH_KIN[kin] ?? ZH_PETS[kin] ?? MORE_KIN[kin]);
    }
  }
  for (const m of before.matchAll(/[他她它](?:们)?|人家|对方/gu)) consider(m.index ?? 0, "someone else");
  return best?.[1];
}

/** A name right before the numbers of an age: 朵朵今年五岁 → 朵朵; 我儿子已经六岁 → 儿子. */
function ageSubject(before: string): string | undefined {
  const trimmed = before.replace(
    /(?:今年|现在|已经|刚刚|刚|都|才|满|是|也|快|马上|就|还|已|昨天|今天|前天|上周|过了?|要)+$/u,
    "",
  );
  if (/我们?$/u.test(trimmed)) return USER;
  const kin = [...KIN, ...PETS, ...Object.keys(MORE_KIN)].find((k) => trimmed.endsWith(k));
  if (kin) return ZH_KIN[kin] ?? MORE_KIN[kin] ?? ZH_PETS[kin];
  // 闺女朵朵, 狗狗豆豆: the name after a family or pet word.
  const named = new RegExp(
    `(?:${[...KIN, ...PETS, ...Object.keys(MORE_KIN)].join("|")})(\\p{Script=Han}{2,3})$`,
    "u",
  ).exec(trimmed);
  if (named) return named[1];
  if (/[他她]$/u.test(trimmed)) return "someone else";
  const name = /\p{Script=Han}{2,4}$/u.exec(trimmed)?.[0];
  return name && !/[的了在]/u.test(name) ? name : undefined;
}

interface Rule {
  pattern: RegExp;
  slot: (m: RegExpExecArray, clause: string, sentence: string) => Omit<Slot, "subject"> | undefined;
}

const end = (m: RegExpExecArray) => (m.index ?? 0) + m[0].length;
const value = (attribute: string, v: string, negated = false) => (v ? { attribute, value: v, negated } : undefined);

const RULES: Rule[] = [
  // Residence: 住在北京, 搬到了上海, 定居在成都, 不住在杭州了, 我在杭州住了五年了.
  {
    pattern: /(?:不再住|(?<![记忍挡靠止禁站保扛顶撑拦抓捂守握稳憋])不住|没住|已经不住)在?/u,
    slot: (m, c) => value("residence", valueAt(c, end(m)), true),
  },
  // 我住杭州, 我现在住上海: 住 with the place right after it (not 住了五年, 住院, 住宿舍).
  {
    pattern: /我们?(?:现在|目前|一直|如今)?住(?![在了过的院宿着])/u,
    slot: (m, c) => {
      const place = valueAt(c, end(m));
      return /^\p{Script=Han}{2,4}$/u.test(place) && !/[年月天]$/u.test(place) ? value("residence", place) : undefined;
    },
  },
  {
    pattern:
      /(?<!不)(住在|搬家到了?|搬家去了?|搬到了|搬到|搬去了|搬去|搬来了|搬来|搬回了|搬回|定居在|定居于|定居|生活在|落户在|落户)/u,
    slot: (m, c) => value("residence", valueAt(c, end(m))),
  },
  {
    pattern: /(?:(?<=现)在)?在(\p{Script=Han}{2,6}?)(?:住|生活|定居|安家)/u,
    slot: (m) => value("residence", m[1].replace(/^(?:这|那)$/u, "")),
  },
  // 我人已经在厦门了 (after a move): where the user is now, not where they are this minute (家, 公司).
  {
    pattern: /我人?(?:已经|现在|目前)人?在(\p{Script=Han}{2,4}?)了/u,
    slot: (m, _c, sentence) =>
      /搬|定居|落户|安家|过来|过去/u.test(sentence) &&
      !NOT_VALUE.has(m[1]) &&
      !/^(?:公司|学校|路上|外面|单位|医院)$/u.test(m[1])
        ? value("residence", m[1])
        : undefined,
  },
  // Employer: 在字节工作, 入职了腾讯, 跳槽到阿里, 去美团上班, 换工作了，现在在字节 (see readChineseSentence).
  // The patterns starting at 在 take 现在's 在 with the next one (现在在字节上班), never the 在 of 在线 or 在职.
  {
    pattern: /(?:(?<=现)在)?在(\p{Script=Han}{2,8}?|[A-Za-z][\w&.-]*)(?:工作|上班|实习|任职|打工)/u,
    slot: (m) => (/^(?:家|这|那|这里|那里|公司|外地|国外)$/u.test(m[1]) ? undefined : value("employer", m[1])),
  },
  {
    pattern:
      /(?:入职了?|加入了?|跳槽到了?|跳槽去了?|跳槽进了?|去了?)(?=\p{Script=Han}{2,8}(?:上班|工作|实习)|[A-Za-z])/u,
    slot: (m, c) => {
      const rest = c.slice(end(m));
      const v =
        /^(?:[A-Za-z][\w&.-]*|\p{Script=Han}{2,8}?)(?=上班|工作|实习|$|[，。！了])/u.exec(rest)?.[0] ??
        valueAt(c, end(m));
      return value("employer", v);
    },
  },
  {
    pattern: /(?:(?<=现)在)?在(\p{Script=Han}{2,6}?|[A-Za-z][\w&.-]*)(?:做|当|搞)(?=\p{Script=Han}{2})/u,
    slot: (m) =>
      /^(?:家|家里|这|那|这里|那里|这边|那边|学校|网上|外面|一家\p{Script=Han}*)$|^(?:一家|家里)/u.test(m[1])
        ? undefined
        : value("employer", m[1]),
  },
  {
    pattern: /(?:从|离开了?)(\p{Script=Han}{2,8}?|[A-Za-z][\w&.-]*)(?:辞职|离职|走了)/u,
    slot: (m) => value("employer", m[1], true),
  },
  {
    pattern: /(?:辞职了|离职了|被裁了|被辞退了|失业了)/u,
    slot: () => ({ attribute: "employer", value: "", negated: true }),
  },
  // Job: 我是一名护士, 当上了经理, 升职为主管, 现在是产品经理, 做前端.
  {
    pattern:
      /(?:^是|我是|现在是|目前是|当上了|当了|升职为|升为|升职成|转行做|改行做|在做|做)(?:一名|一个|一位|个|名)?/u,
    slot: (m, c) => {
      const rest = c.slice(end(m));
      const job = /^[\p{Script=Han}A-Za-z]{1,8}?(?=[，。！的了啦呀]|$)/u.exec(rest)?.[0] ?? "";
      return JOB_TAIL.test(job) && job.length >= 2 ? value("job", job) : undefined;
    },
  },
  // School: 在浙大读书, 考上了清华, 转学到…
  {
    pattern:
      /(?:(?<=现)在)?在(\p{Script=Han}{2,8}?)(?:上学|读书|读研|读博|念书|上大学|读大学|上高中|读高中|读大[一二三四]|读研[一二三])/u,
    slot: (m) => value("school", m[1]),
  },
  {
    pattern: /(?:考上了?|考进了?|转学到了?|转到了?)(?=\p{Script=Han}{2,8})/u,
    slot: (m, c) => value("school", valueAt(c, end(m))),
  },
  // Relationship status.
  {
    pattern: /单身/u,
    slot: (_m, c) => ({ attribute: "relationship", value: "single", negated: /不再|不是|脱离/u.test(c) }),
  },
  {
    pattern: /分手了|分了手|离婚了|离了婚|掰了|分开了|我俩分了|我们分了/u,
    slot: (m) => ({ attribute: "relationship", value: m[0].includes("离") ? "divorced" : "single", negated: false }),
  },
  {
    pattern: /脱单了|有(?:男|女)朋友了|在谈恋爱|谈恋爱了|(?<!不)恋爱了|(?<!不)在一起了/u,
    slot: () => ({ attribute: "relationship", value: "dating", negated: false }),
  },
  { pattern: /订婚了|订婚啦/u, slot: () => ({ attribute: "relationship", value: "engaged", negated: false }) },
  { pattern: /(?:还没|没有?)结婚|未婚/u, slot: () => ({ attribute: "relationship", value: "married", negated: true }) },
  {
    pattern: /结婚了|已婚|领证了|结婚啦/u,
    slot: () => ({ attribute: "relationship", value: "married", negated: false }),
  },
  // Diet.
  {
    pattern: /(?:不再|不|没再)(?:吃素|素食|吃斋)了?|开始吃肉|又吃肉|恢复吃肉/u,
    slot: () => ({ attribute: "diet", value: "vegetarian", negated: true }),
  },
  {
    pattern: /吃素|素食|纯素|吃斋|生酮/u,
    slot: (m, c) => {
      if (/不再|不吃素|没再/u.test(c)) return undefined;
      return value("diet", DIETS.find(([re]) => re.test(m[0]))![1]);
    },
  },
  // Habits, and their end: 戒了咖啡, 戒烟了, 不再喝咖啡, 已经不打网球了, 网球不打了.
  {
    pattern: /戒(?:了|掉了?)?(?=\p{Script=Han})/u,
    slot: (m, c) => {
      const thing = valueAt(c, end(m)) || /(\p{Script=Han}+)戒/u.exec(c)?.[1] || "";
      return thing ? { attribute: `habit:${habitKey(thing)}`, value: "", negated: true } : undefined;
    },
  },
  {
    pattern: /把(\p{Script=Han}{1,4})戒/u,
    slot: (m) => ({ attribute: `habit:${habitKey(m[1])}`, value: "", negated: true }),
  },
  {
    pattern:
      /(?:不再|已经不|早就不|很久不|好久不|再也不|没再|不)(?:喜欢|爱|玩|打|喝|吃|抽|练|跑|弹|学|踢|追|养)了?(?=\p{Script=Han})/u,
    slot: (m, c) => {
      // "不…了" or 不再/已经不/再也不: a habit that ended; a bare 不喝 is a standing dislike.
      if (!/^(?:不再|已经不|早就不|很久不|好久不|再也不|没再)/u.test(m[0]) && !/了|啦/u.test(c.slice(end(m))))
        return undefined;
      const thing = valueAt(c, end(m));
      return thing ? { attribute: `habit:${habitKey(thing)}`, value: "", negated: true } : undefined;
    },
  },
  {
    pattern: /(\p{Script=Han}{2,4})(?:也)?(?:不|没)(?:再)?(?:玩|打|喝|吃|抽|练|跑|弹|学|踢|追)了/u,
    slot: (m) => ({ attribute: `habit:${habitKey(m[1])}`, value: "", negated: true }),
  },
  {
    pattern:
      /(?:我们?|喜欢|爱|热爱|迷上了?|常|经常|每天|每周\S?|每晚|平时|一直|课余|业余)(?:都|也|还|会|经常|每天|常|在)?(?:(?:跟|和)\p{Script=Han}{1,4})?(?:玩|打|喝|吃|抽|练|跑|弹|学|自学|学习|踢|追)(?=\p{Script=Han})|(?:喜欢|爱|热爱|迷上了?)(?=\p{Script=Han})/u,
    slot: (m, c) => {
      if (/不|没/u.test(c.slice(Math.max(0, (m.index ?? 0) - 2), m.index ?? 0))) return undefined;
      const thing = valueAt(c, end(m));
      return thing && thing.length >= 2
        ? { attribute: `habit:${habitKey(thing)}`, value: "yes", negated: false }
        : undefined;
    },
  },
  // Smoking without its word for a thing: 烟瘾挺大, 一天一包; 没抽了, 不抽了.
  { pattern: /烟瘾|(?:我|每天|一天)抽烟/u, slot: () => ({ attribute: "habit:烟", value: "yes", negated: false }) },
  { pattern: /(?:没|不|不再)抽了|戒烟/u, slot: () => ({ attribute: "habit:烟", value: "", negated: true }) },
  // Job: 在奶茶店当店员, 升店长啦, 我是做会计的.
  {
    pattern: /(?:当|做)(\p{Script=Han}{2,5}?)(?=[，。！了啦呀的]|$|\s)/u,
    slot: (m) => (JOB_TAIL.test(m[1]) ? value("job", m[1]) : undefined),
  },
  {
    pattern: /升(?:职)?(?:为|成|到|了)?(\p{Script=Han}{2,4}?)(?=[，。！了啦呀]|$|\s|\p{Extended_Pictographic})/u,
    slot: (m) => (JOB_TAIL.test(m[1]) ? value("job", m[1]) : undefined),
  },
  { pattern: /(?:我是)?做(\p{Script=Han}{2,6}?)的/u, slot: (m) => value("job", m[1]) },
  {
    pattern: /我是[^，。！\s]{1,10}的(\p{Script=Han}{1,5}?)(?=[，。！了啦呀\s]|$)/u,
    slot: (m) => (JOB_TAIL.test(m[1]) && m[1].length >= 2 ? value("job", m[1]) : undefined),
  },
  // School by status: 我现在是浙大的研究生.
  {
    pattern: /是(\p{Script=Han}{2,6}?)的(?:研究生|学生|本科生|博士生|博士|硕士|新生|大[一二三四]学生)/u,
    slot: (m) => value("school", m[1]),
  },
  // Partners: 我男朋友阿杰, 我和女朋友小雨, 我老婆.
  {
    pattern: /我(?:的|和|跟)?(男朋友|女朋友|对象|未婚夫|未婚妻|老公|老婆|丈夫|妻子|媳妇)/u,
    slot: (m) => ({
      attribute: "relationship",
      value: /未婚/u.test(m[1]) ? "engaged" : /男朋友|女朋友|对象/u.test(m[1]) ? "dating" : "married",
      negated: false,
    }),
  },
  // Diet the other way: 无肉不欢.
  { pattern: /无肉不欢|爱吃肉|肉食动物/u, slot: () => ({ attribute: "diet", value: "omnivore", negated: false }) },
  // Birth year: 我93年的, 我是95年的.
  { pattern: /我(?:是)?([0-9]{2}|[0-9]{4})年的/u, slot: (m) => value("birth year", m[1].slice(-2)) },
  // Rent: 房租每个月3500; 房东又涨价了，现在每个月4200.
  { pattern: /(?:房租|租金|月租)[^，。0-9]{0,6}?([0-9]{3,6})/u, slot: (m) => value("rent", m[1]) },
  {
    pattern: /(?:涨价|涨租|涨到|降到|降租|每个?月)[^。0-9]{0,10}?([0-9]{3,6})/u,
    slot: (m, _c, sentence) => (/房东|房租|租金|月租|涨租/u.test(sentence) ? value("rent", m[1]) : undefined),
  },
  // Car: 我开的是一辆老款卡罗拉, 换了辆比亚迪海豹, 旧车卖了.
  {
    pattern:
      /(?:开的是|开着|我开|买了|换了|提了|入手了?)(?:一)?辆(?:老款|新款|二手|新)?(?:的)?([A-Za-z0-9\p{Script=Han}]{2,8}?)(?=[，。！了啦呀🚗]|$|\s|\p{Extended_Pictographic})/u,
    slot: (m) => value("car", m[1]),
  },
  { pattern: /(?:旧车|车)(?:已经)?卖了|把车卖了/u, slot: () => ({ attribute: "car", value: "", negated: true }) },
  // Phone: 电话13812345678, 新号码是15987654321.
  { pattern: /(?:电话|手机|号码|手机号)[^0-9]{0,4}(1[0-9]{10})/u, slot: (m) => value("phone", m[1]) },
  {
    pattern: /(?<![0-9])(1[0-9]{10})(?![0-9])/u,
    slot: (m, _c, sentence) => (/电话|手机|号码|手机号/u.test(sentence) ? value("phone", m[1]) : undefined),
  },
  // 无辣不欢: a liking; 游泳 / 跑步 as a habit; 游泳早停了: its end.
  {
    pattern: /无(\p{Script=Han})不欢/u,
    slot: (m) => (m[1] === "肉" ? undefined : { attribute: `habit:${m[1]}`, value: "yes", negated: false }),
  },
  {
    pattern:
      /(?:每天|每周\S?|经常|常|平时|一直|起来|都)(?:早上|晚上|下班后?)?(?:\p{Script=Han}{0,4}?)(游泳|跑步|健身|瑜伽|爬山|骑行|滑雪|钓鱼|打球|夜跑|晨跑)/u,
    slot: (m) => ({ attribute: `habit:${m[1]}`, value: "yes", negated: false }),
  },
  {
    pattern:
      /(游泳|跑步|健身|瑜伽|爬山|骑行|滑雪|钓鱼|打球|夜跑|晨跑)(?:早就?|已经|都|也)?(?:停了|不去了|断了|放弃了|不练了|不跑了)/u,
    slot: (m) => ({ attribute: `habit:${m[1]}`, value: "", negated: true }),
  },
  {
    pattern:
      /(\p{Script=Han}{2})(?:放|送|交|托)(?:到|给)?(?:我妈|我爸|我爸妈|朋友|别人|亲戚|\p{Script=Han}{1,3})(?:那儿|那里|家)?(?:养|领养)了/u,
    slot: (m) => ({ attribute: `pet:${m[1]}`, value: "", negated: true }),
  },
  // Numbers: 朵朵今年五岁, 我儿子已经六岁了, 我有两个孩子, 月薪两万.
  {
    pattern: new RegExp(`(?<!不是)(${ZH_NUMBER})(?:周)?岁`, "u"),
    slot: (m) => {
      const n = chineseNumber(m[1]);
      return n >= 0 && n <= 120 ? { attribute: "age", value: String(n), negated: false } : undefined;
    },
  },
  {
    pattern: new RegExp(`(?:有|是|家里|我家)?(俩|${ZH_NUMBER})个?(?:孩子|娃|小孩|宝宝)`, "u"),
    slot: (m) => value("children", m[1] === "俩" ? "2" : String(chineseNumber(m[1]))),
  },
  {
    pattern: /(?:月薪|年薪|工资|薪水|收入)(?:是|涨到了?|现在是|有|才|降到了?)?/u,
    slot: (m, c) => {
      const v = /^[0-9一二两三四五六七八九十百千万.kK]+(?:万|千|k|K)?/u.exec(c.slice(end(m)))?.[0];
      return v ? value("salary", v) : undefined;
    },
  },
  // A plan's day or time: 会议在周二, 面试改到周四下午三点.
  {
    pattern: new RegExp(`(${EVENTS})[^，。]*?(${WEEKDAY}|${CLOCK})|(${WEEKDAY}|${CLOCK})[^，。]*?(${EVENTS})`, "u"),
    slot: (m) => {
      const raw = (m[1] ?? m[4]).replace(/^开会$/u, "会");
      const event = raw === "会议" || raw === "例会" ? "会" : TRAVEL.test(raw) ? "行程" : raw;
      return { attribute: `plan:${event}`, value: weekdayKey(m[2] ?? m[3]), negated: false };
    },
  },
  // Pets: 我的狗叫旺财, 我家狗狗豆豆; 旺财去世了.
  {
    pattern: new RegExp(
      `(?:我家|我的|我们家)(?:${PETS.join("|")})(\\p{Script=Han}{2})(?=\\p{Script=Han}|[，。！]|$)`,
      "u",
    ),
    slot: (m) =>
      /^(?:叫|名|今|已|最|都|也|又|很|太|是|在|的)/u.test(m[1])
        ? undefined
        : { attribute: `pet:${m[1]}`, value: "yes", negated: false },
  },
  {
    pattern: new RegExp(`(?:${PETS.join("|")})(?:名叫|名字叫|叫做|叫)(\\p{Script=Han}{2,4}?)(?=[，。！了的]|$)`, "u"),
    slot: (m) => ({ attribute: `pet:${m[1]}`, value: "yes", negated: false }),
  },
  {
    pattern: /(\p{Script=Han}{2,6}?)(?:去世了|走了|死了|丢了|送人了|送走了|过世了|没了|被领养了|去喵星了|去汪星了)/u,
    slot: (m) => {
      const name = m[1].replace(/(?:昨天|今天|前天|上周|上个月|刚刚|刚|已经|也|突然|终于)+$/u, "");
      return name.length < 2 || /^(?:我的?|他|她|你)/u.test(name)
        ? undefined
        : { attribute: `pet:${name}`, value: "", negated: true };
    },
  },
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
    const found = rule.slot(m, clause, sentence);
    if (!found || (found.value === "" && !found.negated)) continue;
    // A plan is on the user's calendar whoever it is for (我妈的手术约在二十号).
    const subject =
      found.attribute === "age"
        ? ageSubject(clause.slice(0, m.index ?? 0))
        : found.attribute.startsWith("plan:")
          ? USER
          : (subjectBefore(clause, m.index ?? 0) ?? USER);
    if (!subject || (subject === "someone else" && found.attribute === "age")) continue;
    if (slots.some((s) => s.attribute === found.attribute && s.subject === subject)) continue;
    slots.push({ subject, ...found });
  }
  // 换工作了，现在在字节: a bare 在X is the employer when the sentence is about a job change.
  if (
    !slots.some((s) => s.attribute === "employer") &&
    /换工作|跳槽|入职|新工作|新公司|换了(?:家|个)?公司/u.test(sentence)
  ) {
    const m = /(?:现在|目前|如今)?在(\p{Script=Han}{2,6}|[A-Za-z][\w&.-]*)(?=[了啦，。！]|$)/u.exec(clause);
    if (m && !/^(?:家|这|那|这里|那里)$/u.test(m[1]))
      slots.push({
        subject: subjectBefore(clause, m.index ?? 0) ?? USER,
        attribute: "employer",
        value: m[1],
        negated: false,
      });
  }
  return { slots };
}

const CORRECTION =
  /说错了|打错了|搞错了|记错了|写错了|更正|纠正一下|口误|不对不对|我是说|我的意思是|改到了?|改成了?|推迟到|提前到|延期到|改期到/u;

/** 说错了，是周四 / 不是周二，是周四: the value the user meant (the sentence, not one clause). */
export function chineseCorrection(sentence: string): Correction | undefined {
  const found = chineseCorrectionValue(sentence);
  const old = /(?:不是|说成了?|写成了?|打成了?)([^，。！\s]{1,8}?)(?=[，。！\s]|而是|是|$)/u.exec(sentence)?.[1];
  return found && old && old !== found.value ? { ...found, old } : found;
}

function chineseCorrectionValue(sentence: string): Correction | undefined {
  const marker = CORRECTION.exec(sentence) ?? /不是[^，。]{1,12}[，,]\s*(?:而)?是/u.exec(sentence);
  if (!marker) return undefined;
  const rest = sentence.slice((marker.index ?? 0) + marker[0].length).replace(/不是[^，。]*?(?=[，。]|$)/gu, "");
  const day = new RegExp(WEEKDAY, "u").exec(rest);
  if (day) return { kind: "weekday", value: weekdayKey(day[0]) };
  const time = new RegExp(CLOCK, "u").exec(rest);
  if (time) return { kind: "time", value: time[0] };
  const n = new RegExp(`(${ZH_NUMBER})`, "u").exec(rest);
  if (n) return { kind: "number", value: String(chineseNumber(n[1])) };
  // 刚才打错了，我是在荣耀: a name in the place of the one said before.
  const name = /(?:是在|我在|是)(\p{Script=Han}{2,6}?|[A-Za-z][\w&.-]*)(?=[，。！了啦哈呀]|\s|$)/u.exec(rest);
  if (name && !/^(?:这样|那样|这个|那个|说|开玩笑)$/u.test(name[1])) return { kind: "name", value: name[1] };
  return undefined;
}

export function chineseValuesOfKind(
  text: string,
  kind: Exclude<Correction["kind"], "name">,
): { raw: string; value: string }[] {
  const re =
    kind === "weekday"
      ? new RegExp(WEEKDAY, "gu")
      : kind === "time"
        ? new RegExp(CLOCK, "gu")
        : new RegExp(`(${ZH_NUMBER})`, "gu");
  return [...text.matchAll(re)].map((m) => ({
    raw: m[0],
    value: kind === "weekday" ? weekdayKey(m[0]) : kind === "number" ? String(chineseNumber(m[1])) : m[0],
  }));
}
