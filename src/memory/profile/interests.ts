import type { InterestTrend, QuestionTopics, TopicInterest } from "./types.js";

const DAY_MS = 86_400_000;
/** Topics shown as current, and as earlier. */
const MAX_CURRENT = 5;
const MAX_EARLIER = 3;
/** A topic named once is noise, not an interest. */
const MIN_QUESTIONS = 2;
/** A current topic weighs at least this fraction of the strongest one today (a message can name several topics). */
const CURRENT_OF_TOP = 0.25;
/** Fading: its share today is below half its share over all questions; rising: above 1.25 times it. */
const FADED_RATIO = 0.5;
const RISING_RATIO = 1.25;

/**
 * The interest trend, computed (never asked of a model): every question counts 1 for each of its
 * topics when asked and decays by half every `halfLifeDays`. A topic's share of today's decayed
 * weight against its share of all questions ever says whether it is rising, steady or fading;
 * current interests are the strongest today, earlier ones those asked often that have faded.
 * Ten frontend questions in March and ten backend ones in May give, at the end of May with a
 * 30-day half-life, backend about 0.8 of today's weight (current, rising) and frontend about 0.2
 * against its 0.5 overall (earlier, fading).
 */
export function interestTrend(questions: QuestionTopics[], now: Date, halfLifeDays: number): InterestTrend {
  const byTopic = new Map<string, { questions: number; weight: number; firstAt: string; lastAt: string }>();
  let totalWeight = 0;
  let totalCount = 0;
  for (const q of questions) {
    const age = Math.max(0, now.getTime() - Date.parse(q.at)) / DAY_MS;
    const weight = halfLifeDays > 0 ? 0.5 ** (age / halfLifeDays) : 1;
    for (const topic of new Set(q.topics)) {
      const t = byTopic.get(topic) ?? { questions: 0, weight: 0, firstAt: q.at, lastAt: q.at };
      t.questions++;
      t.weight += weight;
      if (q.at < t.firstAt) t.firstAt = q.at;
      if (q.at > t.lastAt) t.lastAt = q.at;
      byTopic.set(topic, t);
      totalWeight += weight;
      totalCount++;
    }
  }
  const all: TopicInterest[] = [...byTopic].map(([topic, t]) => {
    const recentShare = totalWeight > 0 ? t.weight / totalWeight : 0;
    const overallShare = totalCount > 0 ? t.questions / totalCount : 0;
    const trend =
      recentShare > overallShare * RISING_RATIO
        ? "rising"
        : recentShare < overallShare * FADED_RATIO
          ? "fading"
          : "steady";
    return {
      topic,
      questions: t.questions,
      weight: round(t.weight),
      recentShare: round(recentShare),
      overallShare: round(overallShare),
      firstAt: t.firstAt,
      lastAt: t.lastAt,
      trend,
    };
  });
  const supported = all.filter((t) => t.questions >= MIN_QUESTIONS);
  const top = Math.max(0, ...supported.map((t) => t.weight));
  const current = supported
    .filter((t) => t.trend !== "fading" && t.weight >= top * CURRENT_OF_TOP)
    .sort((a, b) => b.weight - a.weight || b.questions - a.questions || a.topic.localeCompare(b.topic))
    .slice(0, MAX_CURRENT);
  const earlier = supported
    .filter((t) => t.trend === "fading" && !current.includes(t))
    .sort((a, b) => b.questions - a.questions || b.lastAt.localeCompare(a.lastAt) || a.topic.localeCompare(b.topic))
    .slice(0, MAX_EARLIER);
  return { current, earlier, questions: questions.length };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
