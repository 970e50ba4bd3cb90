import { readClauses } from "./read.js";
import { USER } from "./types.js";

/**
 * The second, coarser reading of a change, for what the slot rules cannot parse: a clause of the
 * user's that says something CHANGED ("got let go", "haven't touched a cigarette since March",
 * 搬家到深圳啦, 我俩分了) and names a topic (work, where they live, smoking, …) ends the user's current
 * memories on that topic. The words are the ordinary vocabulary of each topic and of change, not
 * phrasings of a data set. A topic is left to the slots when they read the clause (they know its
 * value); its memories keep what else they said (the remainder of a superseded memory).
 */
interface Topic {
  en: RegExp;
  zh: RegExp;
  /** Slot attributes that already read this topic: a fact with one of them is the slots' to judge. */
  slots: RegExp;
}

export const TOPICS: Record<string, Topic> = {
  "where they live": {
    en: /\b(?:live|lives|living|moved|relocat\w*|apartment|flat|house|neighbou?rhood|hometown)\b/i,
    zh: /住|搬家|搬到|搬去|定居|小区/u,
    slots: /^residence$/,
  },
  work: {
    en: /\b(?:work|works|working|job|jobs|company|employer|office|laid off|let go|fired|freelanc\w*|hired|startup|career|promot\w*|team lead|manager)\b/i,
    zh: /上班|工作|公司|单位|入职|离职|辞职|跳槽|被裁|升职|主管|经理|店长/u,
    slots: /^(?:employer|job)$/,
  },
  school: {
    en: /\b(?:school|grade|academy|elementary|college|university|semester|campus|class(?:es)?)\b/i,
    zh: /学校|小学|中学|高中|大学|上学|转学|年级/u,
    slots: /^school$/,
  },
  relationship: {
    en: /\b(?:boyfriend|girlfriend|partner|fianc[ée]e?|husband|wife|dating|engaged|married|broke up|called it quits|split up|divorc\w*|single)\b/i,
    zh: /男朋友|女朋友|对象|老公|老婆|分手|分了|结婚|离婚|单身|订婚|领证/u,
    slots: /^relationship$/,
  },
  diet: {
    en: /\b(?:meat|vegan|vegetarian|plant-based|keto|diet|carbs?|dairy|gluten)\b/i,
    zh: /吃素|素食|吃肉|生酮|饮食|米饭|主食/u,
    slots: /^diet$/,
  },
  smoking: { en: /\b(?:smok\w*|cigarettes?|vap\w*|nicotine)\b/i, zh: /烟/u, slots: /^habit:(?:smok|烟)$/ },
  drinking: { en: /\b(?:drinking|alcohol|beer|wine|booze|sober)\b/i, zh: /酒/u, slots: /^habit:(?:alcohol|酒)$/ },
  coffee: { en: /\b(?:coffee|caffeine|espresso)\b/i, zh: /咖啡|美式|拿铁/u, slots: /^habit:(?:coffe|咖啡)$/ },
  rent: { en: /\b(?:rent|landlord|lease)\b/i, zh: /房租|房东|租金|月租/u, slots: /^rent$/ },
  pay: {
    en: /\b(?:salary|raise|take home|income|paycheck)\b/i,
    zh: /工资|月薪|年薪|薪水|涨薪|收入|税前/u,
    slots: /^salary$/,
  },
  car: { en: /\b(?:car|truck|suv|sedan|minivan)\b/i, zh: /车(?!站|票|位)/u, slots: /^car$/ },
  phone: { en: /\b(?:phone number|cell number|my number)\b/i, zh: /手机号|电话|号码/u, slots: /^phone$/ },
  email: { en: /\b(?:e-?mail)\b/i, zh: /邮箱/u, slots: /^email$/ },
};

/**
 * Words that say a thing changed or ended. Strong ones only: "now", "new" and 现在 are as often
 * just the present ("I'm at work now"), so they do not count.
 */
const CHANGE_EN =
  /\b(?:no longer|any ?more|quit|left|leaving|let go|laid off|fired|switched|switching|changed|moved|relocated|transferred|as of|started|starting|became|gone|raised|bumped|rescheduled|postponed|traded|sold|replaced|called it quits|broke up|split up|stopped|gave up|promoted|haven't touched|ended)\b/i;
const CHANGE_ZH =
  /换|改|搬家|搬到|搬去|转到|转去|转学|升|涨|降|不再|戒|没再|已经不|不.{0,2}了|分了|分手|走了|辞职|离职|被裁|停了|卖了|调到|调去|跳槽|入职|开始/u;

const HAN = /\p{Script=Han}/u;
/** Someone else as the clause's subject: "my boss quit", 我同事换工作了, "she moved". */
const OTHER_EN =
  /^(?:\W*\w+\W+){0,2}?(?:my|our)\s+(?:\w+\s+)?(?:boss|sister|brother|mom|dad|mother|father|friend|coworker|colleague|roommate|neighbou?r|cousin|son|daughter|kid|husband|wife|partner|boyfriend|girlfriend)\b(?!\s+and\s+i\b)|^\W*(?:he|she|they|his|her|their)\b/i;
const OTHER_ZH =
  /^[^我]{0,4}(?:他|她|他们|她们)|我(?:的)?(?:同事|朋友|闺蜜|哥们|室友|邻居|妹妹|姐姐|哥哥|弟弟|妈妈?|爸爸?|老板|领导|表\p{Script=Han})(?!和我|跟我)/u;

/** Whether a text speaks of the topic, by the words of its language. */
export function namesTopic(text: string, topic: string): boolean {
  return (HAN.test(text) ? TOPICS[topic].zh : TOPICS[topic].en).test(text);
}

function topicsIn(text: string): string[] {
  return Object.keys(TOPICS).filter((topic) => namesTopic(text, topic));
}

/**
 * The topics a fact says changed for the user, leaving out those the slots read in it. Only its
 * unhedged clauses whose subject is the user (or none: Chinese drops it) count.
 */
export function changedTopics(text: string, options: { withSlots?: boolean } = {}): string[] {
  const { clauses } = readClauses(text);
  const out = new Set<string>();
  for (const c of clauses) {
    if (c.hedged || c.slots.some((s) => s.subject !== USER)) continue;
    const zh = HAN.test(c.text);
    if (!(zh ? CHANGE_ZH : CHANGE_EN).test(c.text) || (zh ? OTHER_ZH : OTHER_EN).test(c.text)) continue;
    for (const topic of topicsIn(c.text)) {
      if (!options.withSlots && c.slots.some((s) => TOPICS[topic].slots.test(s.attribute))) continue;
      out.add(topic);
    }
  }
  return [...out];
}

/** Whether a stored memory speaks of the topic as the user's own (an unhedged clause, not someone else's). */
export function userTopicClause(text: string, topic: string): boolean {
  const { clauses } = readClauses(text);
  return clauses.some((c) => {
    if (c.hedged || c.slots.some((s) => s.subject !== USER)) return false;
    return namesTopic(c.text, topic) && !(HAN.test(c.text) ? OTHER_ZH : OTHER_EN).test(c.text);
  });
}

/** The words a lexical search finds a topic's memories by. */
export const TOPIC_TERMS: Record<string, string> = {
  "where they live": "live lives living moved apartment house 住 搬家 定居",
  work: "work job company office freelance promoted manager 上班 工作 公司 单位 主管",
  school: "school grade academy elementary college university class 学校 小学 中学 大学 上学 年级",
  relationship:
    "boyfriend girlfriend partner fiance husband wife dating engaged married 男朋友 女朋友 对象 老公 老婆 结婚",
  diet: "meat vegan vegetarian keto diet carbs dairy 吃素 吃肉 生酮 米饭 饮食",
  smoking: "smoke smoking cigarette cigarettes vape 烟 抽烟",
  drinking: "drink drinking alcohol beer wine 酒 白酒 喝酒",
  coffee: "coffee caffeine espresso 咖啡 美式 拿铁",
  rent: "rent landlord lease 房租 房东 租金",
  pay: "salary raise income paycheck 工资 月薪 年薪 收入",
  car: "car truck suv sedan drive 车 开车",
  phone: "phone number cell 手机号 电话 号码",
  email: "email 邮箱",
};
