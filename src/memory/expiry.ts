/**
 * When a fact stated in the user's own words stops holding, read from the words themselves: the
 * `quotes` extraction style keeps the user's sentences as they are, and a small local model cannot
 * be trusted to date them. Short-lived periods only ("today", "this week", "on Friday", "今晚",
 * "这周", "周五"), and only in a sentence with no past-tense marker: "I went hiking on Friday" is an
 * event that stays true, "I'm going hiking on Friday" is a plan that lapses. A feeling with no
 * period named lasts until the end of the next day. Anything else is a lasting fact (null).
 */

const DAY = 86_400_000;
const startOfDay = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
/** Days from `d` to the start of next Monday (1-7). */
const daysToNextMonday = (d: Date) => 7 - ((d.getUTCDay() + 6) % 7);

const EN_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
/** Monday = 0; 日 and 天 are Sunday. */
const ZH_WEEKDAYS: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, 五: 4, 六: 5, 日: 6, 天: 6 };

/**
 * Past tense: a subject followed by a past form ("I visited", "we've hiked", "she went": a bare
 * "-ed" word would also catch "tired" and "need"), or a past period word; Chinese 了 / 过 / 昨天 / 上周.
 */
const EN_PAST =
  /\b(i|we|he|she|they|you)('ve| have| had)?\s+(\w*[^e\W]ed|was|were|had|did|went|saw|got|made|took|came|ran|ate|met|left|bought|told|said|found|gave|felt|lost|won|wrote|spent|began)\b|\b(last|ago|yesterday)\b/i;
const ZH_PAST = /[了过]|昨天|昨晚|上周|上个?星期|上个月|前天/;

interface Lifetime {
  pattern: RegExp;
  /** Days after the start of the message's day at which the fact lapses. */
  days: (said: Date, match: RegExpMatchArray) => number;
}

const untilWeekday = (said: Date, weekday: number) => ((weekday - ((said.getUTCDay() + 6) % 7) + 7) % 7) + 1;

/** The weekday (Monday = 0) of the week after this one, as days from the message's day start. */
const inNextWeek = (said: Date, weekday: number) => daysToNextMonday(said) + weekday + 1;

/** Most specific first: "下周二" is a day, not next week. */
const LIFETIMES: Lifetime[] = [
  {
    pattern: /\b(on|this|next|by|until|till)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i,
    days: (said, m) => {
      const weekday = EN_WEEKDAYS.indexOf(m[2].toLowerCase());
      return m[1].toLowerCase() === "next" ? inNextWeek(said, weekday) : untilWeekday(said, weekday);
    },
  },
  {
    pattern: /(下)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天])/,
    days: (said, m) => (m[1] ? inNextWeek(said, ZH_WEEKDAYS[m[2]]) : untilWeekday(said, ZH_WEEKDAYS[m[2]])),
  },
  {
    pattern: /\b(today|tonight|this (morning|afternoon|evening))\b|今天|今晚|今早|今天?(上午|下午|晚上)/i,
    days: () => 1,
  },
  { pattern: /\btomorrow\b|明天|明早|明晚/i, days: () => 2 },
  { pattern: /\bnext week(end)?\b|下周|下个?星期|下个?礼拜/i, days: (said) => daysToNextMonday(said) + 7 },
  { pattern: /\bthis week(end)?\b|这周|本周|这个?星期|这个?礼拜|周末/i, days: (said) => daysToNextMonday(said) },
  {
    pattern: /\bthis month\b|这个月|本月/i,
    days: (said) => (Date.UTC(said.getUTCFullYear(), said.getUTCMonth() + 1, 1) - startOfDay(said)) / DAY,
  },
  { pattern: /\b(i feel|i'm feeling|i am feeling)\b|我(现在|今天)?(感觉|心情)/i, days: () => 2 },
];

/** The instant (ISO) at which a sentence said at `said` (ISO) stops holding, or null for a lasting fact. */
export function expiryFromWords(sentence: string, said: string): string | null {
  if (EN_PAST.test(sentence) || ZH_PAST.test(sentence)) return null;
  const at = new Date(said);
  if (Number.isNaN(at.getTime())) return null;
  for (const { pattern, days } of LIFETIMES) {
    const m = sentence.match(pattern);
    if (m) return new Date(startOfDay(at) + days(at, m) * DAY).toISOString();
  }
  return null;
}
