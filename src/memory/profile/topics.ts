import { detectEntities } from "../entities/detect.js";

/** At most this many topics per question: a long message should not outweigh ten short ones. */
export const MAX_QUESTION_TOPICS = 6;

const words = new Intl.Segmenter("zh", { granularity: "word" });
const HAN = /\p{Script=Han}/u;
const LATIN_WORD = /^[\p{L}\p{N}][\p{L}\p{N}+#.-]*$/u;

/**
 * Words that carry no subject in any question: function words, the verbs and nouns questions
 * are made of ("how do I use", "what is the best way", "怎么", "可以吗"), time words ("last week",
 * "now", 上个月) and everyday verbs ("live", "moved", 住). General words of each language, not a
 * list of subjects.
 */
const FILLER = new Set(
  (
    "a an the and or but if of at by for with about into to from up down in out on off over under then than so too very " +
    "is am are was were be been being have has had do does did doing done can could will would should shall may might must " +
    "i me my mine myself we us our you your he him his she her it its they them their this that these those there here " +
    "what which who whom whose when where why how whether not no yes any some all each every more most less much many few " +
    "just also only still even really quite please thanks thank hi hello hey ok okay " +
    "use using used make making made get getting got need needs want wants like know tell give take let help try " +
    "best better good way ways thing things something anything stuff lot kind sort bit question questions answer " +
    "one two first new old right wrong same other another " +
    "now today tonight tomorrow yesterday currently recently lately soon later ago last next past since until " +
    "day days week weeks weekend month months year years morning afternoon evening night time times " +
    "live lives lived living move moves moved moving go goes going went gone come comes coming came " +
    "see saw seen say said think thought feel felt look looking looked find found keep mean " +
    "我 你 他 她 它 我们 你们 他们 的 了 是 在 和 与 也 就 都 而 及 着 吗 呢 吧 啊 么 这 那 这个 那个 这些 那些 " +
    "一个 一下 有 没有 什么 怎么 怎么样 怎样 如何 为什么 哪 哪个 哪些 哪里 可以 能 能不能 会 要 想 应该 需要 请 请问 " +
    "谢谢 好 好的 最好 比较 一些 还是 或者 还有 如果 因为 所以 但是 然后 问题 办法 方法 东西 时候 现在 " +
    "今天 明天 昨天 今晚 今年 去年 明年 最近 刚才 刚刚 以前 以后 之前 之后 上个 下个 这个月 上个月 下个月 上周 下周 这周 本周 " +
    "周末 天 周 月 年 时间 住 住在 搬 搬到 搬家 去 来 做 看 说 觉得 知道 喜欢"
  ).split(/\s+/),
);

/**
 * The topics of a question, found without a model (the no-LLM path of the interest trend): the
 * entities the deterministic detector finds in it (products, projects, places, names such as
 * "React" or "PostgreSQL"), then its content words (Intl.Segmenter words, English and Chinese
 * alike, filler dropped), lower-cased, in the order they appear. A subject that comes back in
 * many questions rises in the trend; one-off words fade by themselves.
 */
export function questionTopics(text: string): string[] {
  const out: string[] = [];
  const add = (topic: string) => {
    const t = normaliseTopic(topic);
    if (t && !out.includes(t)) out.push(t);
  };
  for (const e of detectEntities(text).entities)
    if (!e.role && e.kind !== "pet" && !FILLER.has(normaliseTopic(e.name))) add(e.name);
  const inEntities = new Set(out.flatMap((t) => t.split(/\s+/)));
  // The segmenter's dictionary splits words it lacks into characters (优化 → 优|化): a run of
  // single Han characters is put back together as one word.
  let run = "";
  const flush = () => {
    if ([...run].length >= 2) add(run);
    run = "";
  };
  for (const { segment, isWordLike } of words.segment(text.normalize("NFKC"))) {
    const word = segment.toLowerCase();
    if (isWordLike && HAN.test(word) && [...word].length === 1 && !FILLER.has(word)) {
      run += word;
      continue;
    }
    flush();
    if (!isWordLike || FILLER.has(word) || inEntities.has(word)) continue;
    if (HAN.test(word) ? [...word].length < 2 : word.length < 3 || !LATIN_WORD.test(word) || /^\d+$/.test(word))
      continue;
    add(singular(word));
  }
  flush();
  return out.slice(0, MAX_QUESTION_TOPICS);
}

/**
 * Whether a topic, as written by a model or found here, says nothing of a subject: each of its
 * words is filler ("last week", "now", 上个月).
 */
export function isFillerTopic(topic: string): boolean {
  const words = normaliseTopic(topic).split(" ").filter(Boolean);
  return words.every((w) => FILLER.has(w) || FILLER.has(singular(w)));
}

/** One spelling per topic: NFKC, lower case, single spaces, at most 60 characters. */
export function normaliseTopic(topic: string): string {
  return topic.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim().slice(0, 60);
}

/** "databases" and "database" are one topic (English plurals only; other words stay as written). */
function singular(word: string): string {
  if (!/^[a-z]+$/.test(word) || word.length <= 4) return word;
  if (word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (word.endsWith("sses") || word.endsWith("xes") || word.endsWith("ches") || word.endsWith("shes"))
    return word.slice(0, -2);
  if (word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}
