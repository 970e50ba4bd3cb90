/**
 * Turns a period named in a question ("last month", "in 2023", "上周", "三天前", "去年五月",
 * "今年春天") into a date range, so retrieval can prefer memories from that period. Rules cover
 * the common English and Chinese expressions; anything else yields null and the search runs
 * without a time range. The most specific rule is tried first ("去年五月" before "去年").
 */
interface TimeRange {
  /** Inclusive start, YYYY-MM-DD. */
  gte: string;
  /**
   * Exclusive end, YYYY-MM-DD (a date prefix compares below
   * any time on that day, so the next day's start is the bound).
   */
  lt: string;
  /** The words that named the period. */
  phrase: string;
}

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const startOfDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY);
const monthStart = (y: number, m: number) => new Date(Date.UTC(y, m, 1));
/** Monday-based week start. */
const weekStart = (d: Date) => addDays(startOfDay(d), -((d.getUTCDay() + 6) % 7));

const EN_MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const EN_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const EN_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  couple: 2,
  few: 3,
  several: 3,
};
const ZH_DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  两: 2,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  几: 3,
};
/** Monday = 0, as in weekStart; 日 and 天 are Sunday. */
const ZH_WEEKDAYS: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, 五: 4, 六: 5, 日: 6, 天: 6 };
type Season = "spring" | "summer" | "autumn" | "winter";
/** Northern-hemisphere meteorological seasons: first month (0-based) of each; winter runs into the next year. */
const SEASON_START: Record<Season, number> = { spring: 2, summer: 5, autumn: 8, winter: 11 };
const EN_SEASONS: Record<string, Season> = {
  spring: "spring",
  summer: "summer",
  autumn: "autumn",
  fall: "autumn",
  winter: "winter",
};
const ZH_SEASONS: Record<string, Season> = { 春: "spring", 夏: "summer", 秋: "autumn", 冬: "winter" };

/** A count in digits or Chinese numerals, not inside a longer number ("2023年前" is no "23 years ago"). */
const ZH_NUM = "(?<![0-9〇零一二两三四五六七八九十])[0-9〇零一二两三四五六七八九十几]{1,3}";
/** A month or day number: without 几, which there asks "which month?" rather than meaning "a few". */
const ZH_ORDINAL = "(?<![0-9〇零一二两三四五六七八九十])[0-9〇零一二两三四五六七八九十]{1,3}";
const ZH_YEAR_WORD = "(今年|去年|前年|明年|\\d{4}\\s*年)";

function range(from: Date, toExclusive: Date, phrase: string): TimeRange {
  return { gte: iso(from), lt: iso(toExclusive), phrase };
}

/** "3", "三", "十二", "二十一", "几" → a number; NaN when it is none. */
export function chineseNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (text === "十") return 10;
  const ten = text.indexOf("十");
  if (ten < 0) return text.length === 1 ? (ZH_DIGITS[text] ?? NaN) : NaN;
  const tens = ten === 0 ? 1 : ZH_DIGITS[text.slice(0, ten)];
  const ones = ten === text.length - 1 ? 0 : ZH_DIGITS[text.slice(ten + 1)];
  return tens === undefined || ones === undefined ? NaN : tens * 10 + ones;
}

function countOf(word: string): number {
  return EN_NUMBERS[word.toLowerCase()] ?? chineseNumber(word);
}

/** The year a Chinese year word names: 今年, 去年, 前年, 明年 or "2023年". */
function zhYear(word: string, now: Date): number {
  const y = now.getUTCFullYear();
  if (word === "今年") return y;
  if (word === "去年") return y - 1;
  if (word === "前年") return y - 2;
  if (word === "明年") return y + 1;
  return Number(word.replace(/\D/g, ""));
}

/** A month named without a year is the latest one that has begun. */
function latestYearOfMonth(month: number, now: Date): number {
  return month <= now.getUTCMonth() ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
}

function seasonRange(season: Season, year: number, phrase: string): TimeRange {
  const start = SEASON_START[season];
  return range(monthStart(year, start), monthStart(year, start + 3), phrase);
}

/** A season named without a year: the one under way, else the latest that has ended. */
function latestSeason(season: Season, now: Date, phrase: string): TimeRange {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const start = SEASON_START[season];
  // Winter of year Y is December Y to February Y+1: in January or February it began last year.
  const year = season === "winter" ? (m === 11 ? y : y - 1) : start <= m ? y : y - 1;
  return seasonRange(season, year, phrase);
}

function monthRange(year: number, month: number, phrase: string): TimeRange | null {
  if (!(month >= 0 && month <= 11) || !Number.isFinite(year)) return null;
  return range(monthStart(year, month), monthStart(year, month + 1), phrase);
}

function dayRange(year: number, month: number, day: number, phrase: string): TimeRange | null {
  if (!(month >= 0 && month <= 11) || !(day >= 1 && day <= 31) || !Number.isFinite(year)) return null;
  const from = new Date(Date.UTC(year, month, day));
  if (from.getUTCMonth() !== month) return null;
  return range(from, addDays(from, 1), phrase);
}

/** The given weekday (Monday = 0) of the week `weeksBack` weeks before this one. */
function weekdayRange(weekday: number, weeksBack: number, now: Date, phrase: string): TimeRange {
  const day = addDays(weekStart(now), weekday - 7 * weeksBack);
  return range(day, addDays(day, 1), phrase);
}

/** The latest given weekday up to today. */
function latestWeekday(weekday: number, now: Date, phrase: string): TimeRange {
  const back = (((now.getUTCDay() + 6) % 7) - weekday + 7) % 7;
  const day = addDays(startOfDay(now), -back);
  return range(day, addDays(day, 1), phrase);
}

function agoRange(n: number, unit: string, now: Date, phrase: string): TimeRange | null {
  if (!Number.isFinite(n)) return null;
  const today = startOfDay(now);
  if (unit === "day" || unit === "天") return range(addDays(today, -n), addDays(today, -n + 1), phrase);
  if (unit === "week" || unit === "周" || unit === "星期" || unit === "礼拜") {
    return range(addDays(weekStart(now), -7 * n), addDays(weekStart(now), -7 * n + 7), phrase);
  }
  if (unit === "month" || unit === "月") {
    return range(
      monthStart(now.getUTCFullYear(), now.getUTCMonth() - n),
      monthStart(now.getUTCFullYear(), now.getUTCMonth() - n + 1),
      phrase,
    );
  }
  return range(monthStart(now.getUTCFullYear() - n, 0), monthStart(now.getUTCFullYear() - n + 1, 0), phrase);
}

type Rule = [RegExp, (m: RegExpExecArray, now: Date) => TimeRange | null];

const EN_MONTH = `(${EN_MONTHS.join("|")})`;
const EN_WEEKDAY = `(${EN_WEEKDAYS.join("|")})`;

/** "may" is a month only when written May: "may I ask" names no period. */
const isMonthWord = (word: string) => word.toLowerCase() !== "may" || word === "May";

const RULES: Rule[] = [
  // Full dates first: 2023年5月8日, 去年5月8日, 5月8日.
  [
    new RegExp(`(?:${ZH_YEAR_WORD}\\s*)?(${ZH_ORDINAL})\\s*月\\s*(${ZH_ORDINAL})\\s*[日号]`),
    (m, now) => {
      const month = chineseNumber(m[2]) - 1;
      const year = m[1] ? zhYear(m[1], now) : latestYearOfMonth(month, now);
      return dayRange(year, month, chineseNumber(m[3]), m[0]);
    },
  ],
  // A month with its year: 2023年5月, 去年五月, 今年三月份.
  [
    new RegExp(`${ZH_YEAR_WORD}\\s*(${ZH_ORDINAL})\\s*月份?(?![前后])`),
    (m, now) => monthRange(zhYear(m[1], now), chineseNumber(m[2]) - 1, m[0]),
  ],
  // A season with its year: 今年春天, 去年夏季, 2023年秋天.
  [
    new RegExp(`${ZH_YEAR_WORD}\\s*的?\\s*([春夏秋冬])[天季]`),
    (m, now) => seasonRange(ZH_SEASONS[m[2]], zhYear(m[1], now), m[0]),
  ],
  [
    new RegExp(
      `\\b(?:(?:in|during)\\s+)?(?:the\\s+)?(spring|summer|autumn|fall|winter)\\s+(?:of\\s+)?((?:19|20)\\d{2})\\b`,
      "i",
    ),
    (m) => seasonRange(EN_SEASONS[m[1].toLowerCase()], Number(m[2]), m[0]),
  ],
  [
    /\b(last|this)\s+(spring|summer|autumn|fall|winter)\b/i,
    (m, now) => {
      const season = EN_SEASONS[m[2].toLowerCase()];
      const current = latestSeason(season, now, m[0]);
      if (m[1].toLowerCase() === "this") return seasonRange(season, Number(current.gte.slice(0, 4)), m[0]);
      // "last summer" said in summer is the one before.
      const under = current.gte <= iso(now) && iso(now) < current.lt;
      return under ? seasonRange(season, Number(current.gte.slice(0, 4)) - 1, m[0]) : current;
    },
  ],
  [
    /\b(today|tonight|this morning|this evening)\b|今天|今晚|今早|今日/i,
    (m, now) => range(startOfDay(now), addDays(startOfDay(now), 1), m[0]),
  ],
  [/大前天/, (m, now) => range(addDays(startOfDay(now), -3), addDays(startOfDay(now), -2), m[0])],
  [
    /\bday before yesterday\b|前天/i,
    (m, now) => range(addDays(startOfDay(now), -2), addDays(startOfDay(now), -1), m[0]),
  ],
  [/\byesterday\b|昨天|昨晚|昨日/i, (m, now) => range(addDays(startOfDay(now), -1), startOfDay(now), m[0])],
  // Weekdays: 上周三, 这周五, 周日, last Monday, on Friday.
  [
    /(上上|上|这|本)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天])/,
    (m, now) => {
      const weekday = ZH_WEEKDAYS[m[2]];
      if (m[1] === "上上") return weekdayRange(weekday, 2, now, m[0]);
      if (m[1] === "上") return weekdayRange(weekday, 1, now, m[0]);
      if (m[1]) return weekdayRange(weekday, 0, now, m[0]);
      return latestWeekday(weekday, now, m[0]);
    },
  ],
  [
    new RegExp(`\\b(last|this|on)\\s+${EN_WEEKDAY}\\b`, "i"),
    (m, now) => {
      const weekday = EN_WEEKDAYS.indexOf(m[2].toLowerCase());
      const which = m[1].toLowerCase();
      if (which === "this") return weekdayRange(weekday, 0, now, m[0]);
      const latest = latestWeekday(weekday, now, m[0]);
      // "last Friday" said on a Friday is a week ago, not today.
      return which === "last" && latest.gte === iso(startOfDay(now)) ? weekdayRange(weekday, 1, now, m[0]) : latest;
    },
  ],
  [/\blast weekend\b|上个?周末/i, (m, now) => range(addDays(weekStart(now), -2), weekStart(now), m[0])],
  [
    /\bthis weekend\b|这个?周末|本周末/i,
    (m, now) => range(addDays(weekStart(now), 5), addDays(weekStart(now), 7), m[0]),
  ],
  [/上上个?(?:周|星期|礼拜)/, (m, now) => range(addDays(weekStart(now), -14), addDays(weekStart(now), -7), m[0])],
  [/\blast week\b|上周|上个?星期|上个?礼拜/i, (m, now) => range(addDays(weekStart(now), -7), weekStart(now), m[0])],
  [/\bthis week\b|这周|本周|这个?星期|这个?礼拜/i, (m, now) => range(weekStart(now), addDays(weekStart(now), 7), m[0])],
  [
    /上上个月/,
    (m, now) =>
      range(
        monthStart(now.getUTCFullYear(), now.getUTCMonth() - 2),
        monthStart(now.getUTCFullYear(), now.getUTCMonth() - 1),
        m[0],
      ),
  ],
  [
    /\blast month\b|上个?月/i,
    (m, now) =>
      range(
        monthStart(now.getUTCFullYear(), now.getUTCMonth() - 1),
        monthStart(now.getUTCFullYear(), now.getUTCMonth()),
        m[0],
      ),
  ],
  [
    /\bthis month\b|这个月|本月/i,
    (m, now) =>
      range(
        monthStart(now.getUTCFullYear(), now.getUTCMonth()),
        monthStart(now.getUTCFullYear(), now.getUTCMonth() + 1),
        m[0],
      ),
  ],
  [
    /\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|couple of|a few|few|several)\s+(day|week|month|year)s?\s+ago\b/i,
    (m, now) => agoRange(countOf(m[1].replace(/^a\s+|\s+of$/gi, "")), m[2].toLowerCase(), now, m[0]),
  ],
  [
    new RegExp(`(${ZH_NUM})\\s*(?:个)?\\s*(天|周|星期|礼拜|月|年)(?:之|以)?前`),
    (m, now) => agoRange(chineseNumber(m[1]), m[2], now, m[0]),
  ],
  [
    /半年(?:之|以)?前/,
    (m, now) =>
      range(
        monthStart(now.getUTCFullYear(), now.getUTCMonth() - 6),
        monthStart(now.getUTCFullYear(), now.getUTCMonth() - 5),
        m[0],
      ),
  ],
  // A season without a year: 春天, 夏季 (the one under way, else the latest).
  [/([春夏秋冬])[天季]/, (m, now) => latestSeason(ZH_SEASONS[m[1]], now, m[0])],
  [
    /\blast year\b|去年/i,
    (m, now) => range(monthStart(now.getUTCFullYear() - 1, 0), monthStart(now.getUTCFullYear(), 0), m[0]),
  ],
  [
    /\bthis year\b|今年/i,
    (m, now) => range(monthStart(now.getUTCFullYear(), 0), monthStart(now.getUTCFullYear() + 1, 0), m[0]),
  ],
  [/前年/, (m, now) => range(monthStart(now.getUTCFullYear() - 2, 0), monthStart(now.getUTCFullYear() - 1, 0), m[0])],
  [
    new RegExp(
      `\\b(?:in\\s+)?${EN_MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?\\s*,?\\s+(\\d{4})\\b|\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${EN_MONTH}\\s*,?\\s+(\\d{4})\\b`,
      "i",
    ),
    (m) => {
      const word = m[1] ?? m[5];
      if (!isMonthWord(word)) return null;
      return dayRange(Number(m[3] ?? m[6]), EN_MONTHS.indexOf(word.toLowerCase()), Number(m[2] ?? m[4]), m[0]);
    },
  ],
  [
    new RegExp(`\\b(?:in\\s+)?${EN_MONTH}\\s*,?\\s+(\\d{4})\\b`, "i"),
    (m) => (isMonthWord(m[1]) ? monthRange(Number(m[2]), EN_MONTHS.indexOf(m[1].toLowerCase()), m[0]) : null),
  ],
  [
    new RegExp(`\\b(last|this|in|during)\\s+${EN_MONTH}\\b`, "i"),
    (m, now) => {
      if (!isMonthWord(m[2])) return null;
      const month = EN_MONTHS.indexOf(m[2].toLowerCase());
      const which = m[1].toLowerCase();
      if (which === "this") return monthRange(now.getUTCFullYear(), month, m[0]);
      const year = latestYearOfMonth(month, now);
      // "last March" said in March is a year ago.
      return monthRange(which === "last" && month === now.getUTCMonth() ? year - 1 : year, month, m[0]);
    },
  ],
  // A month without a year: 五月, 5月份 (the latest that has begun).
  [
    new RegExp(`(${ZH_ORDINAL})\\s*月份?(?![前后])`),
    (m, now) => {
      const month = chineseNumber(m[1]) - 1;
      return monthRange(latestYearOfMonth(month, now), month, m[0]);
    },
  ],
  [
    /\b(?:in|during|of|since)\s+((?:19|20)\d{2})\b|((?:19|20)\d{2})\s*年/i,
    (m) => {
      const y = Number(m[1] ?? m[2]);
      return range(monthStart(y, 0), monthStart(y + 1, 0), m[0]);
    },
  ],
];

/** The first period the question names, relative to `now`; null if it names none. */
export function parseTimeRange(question: string, now: Date): TimeRange | null {
  for (const [pattern, build] of RULES) {
    const m = pattern.exec(question);
    if (m) {
      const r = build(m, now);
      if (r) return r;
    }
  }
  return null;
}
