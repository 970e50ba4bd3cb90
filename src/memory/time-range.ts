/**
 * Turns a period named in a question ("last month", "in 2023", "上周", "三天前") into a date range,
 * so retrieval can prefer memories from that period. Rules cover the common English and Chinese
 * expressions; anything else yields null and the search runs without a time range.
 */
export interface TimeRange {
  /** Inclusive start, YYYY-MM-DD. */
  gte: string;
  /** Inclusive end, YYYY-MM-DD (a date prefix compares below any time on that day, so use the next day's start for `lt`). */
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

const EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const EN_NUMBERS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const ZH_DIGITS: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 几: 3 };

function range(from: Date, toExclusive: Date, phrase: string): TimeRange {
  return { gte: iso(from), lt: iso(toExclusive), phrase };
}

function countOf(word: string): number {
  if (/^\d+$/.test(word)) return Number(word);
  return EN_NUMBERS[word.toLowerCase()] ?? ZH_DIGITS[word] ?? NaN;
}

type Rule = [RegExp, (m: RegExpExecArray, now: Date) => TimeRange | null];

const RULES: Rule[] = [
  [/\b(today|tonight|this morning|this evening)\b|今天|今晚|今早/i, (m, now) => range(startOfDay(now), addDays(startOfDay(now), 1), m[0])],
  [/\bday before yesterday\b|前天/i, (m, now) => range(addDays(startOfDay(now), -2), addDays(startOfDay(now), -1), m[0])],
  [/\byesterday\b|昨天|昨晚/i, (m, now) => range(addDays(startOfDay(now), -1), startOfDay(now), m[0])],
  [/\blast week\b|上周|上个?星期|上个?礼拜/i, (m, now) => range(addDays(weekStart(now), -7), weekStart(now), m[0])],
  [/\bthis week\b|这周|本周|这个?星期/i, (m, now) => range(weekStart(now), addDays(weekStart(now), 7), m[0])],
  [/\blast month\b|上个?月/i, (m, now) => range(monthStart(now.getUTCFullYear(), now.getUTCMonth() - 1), monthStart(now.getUTCFullYear(), now.getUTCMonth()), m[0])],
  [/\bthis month\b|这个月|本月/i, (m, now) => range(monthStart(now.getUTCFullYear(), now.getUTCMonth()), monthStart(now.getUTCFullYear(), now.getUTCMonth() + 1), m[0])],
  [/\blast year\b|去年/i, (m, now) => range(monthStart(now.getUTCFullYear() - 1, 0), monthStart(now.getUTCFullYear(), 0), m[0])],
  [/\bthis year\b|今年/i, (m, now) => range(monthStart(now.getUTCFullYear(), 0), monthStart(now.getUTCFullYear() + 1, 0), m[0])],
  [
    /\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month|year)s?\s+ago\b|(\d+|[一两二三四五六七八九十几])\s*(天|周|个星期|个月|年)前/i,
    (m, now) => {
      const n = countOf(m[1] ?? m[3]);
      const unit = (m[2] ?? m[4]).toLowerCase();
      if (!Number.isFinite(n)) return null;
      const today = startOfDay(now);
      if (unit === "day" || unit === "天") return range(addDays(today, -n), addDays(today, -n + 1), m[0]);
      if (unit === "week" || unit === "周" || unit === "个星期") return range(addDays(weekStart(now), -7 * n), addDays(weekStart(now), -7 * n + 7), m[0]);
      if (unit === "month" || unit === "个月") return range(monthStart(now.getUTCFullYear(), now.getUTCMonth() - n), monthStart(now.getUTCFullYear(), now.getUTCMonth() - n + 1), m[0]);
      return range(monthStart(now.getUTCFullYear() - n, 0), monthStart(now.getUTCFullYear() - n + 1, 0), m[0]);
    },
  ],
  [
    /(\d{4})\s*年\s*(\d{1,2})\s*月/,
    (m) => range(monthStart(Number(m[1]), Number(m[2]) - 1), monthStart(Number(m[1]), Number(m[2])), m[0]),
  ],
  [
    new RegExp(`\\b(?:in\\s+)?(${EN_MONTHS.join("|")})\\s*,?\\s+(\\d{4})\\b`, "i"),
    (m) => {
      const month = EN_MONTHS.indexOf(m[1].toLowerCase());
      return range(monthStart(Number(m[2]), month), monthStart(Number(m[2]), month + 1), m[0]);
    },
  ],
  [/\b(?:in|during|of)\s+((?:19|20)\d{2})\b|((?:19|20)\d{2})\s*年/i, (m) => {
    const y = Number(m[1] ?? m[2]);
    return range(monthStart(y, 0), monthStart(y + 1, 0), m[0]);
  }],
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
