/**
 * Language-neutral tokens for lexical (BM25) search. Intl.Segmenter splits Chinese, Japanese and
 * Thai into dictionary words and everything else at word boundaries, so one tokenizer serves the
 * SQLite FTS index, the in-memory BM25 and Qdrant's sparse vectors alike.
 */
const segmenter = new Intl.Segmenter("zh", { granularity: "word" });

const STOPWORDS = new Set(
  (
    "a an the and or but if of at by for with about against between into through during before after " +
    "above below to from up down in out on off over under again further then once here there when where " +
    "why how all any both each few more most other some such no nor not only own same so than too very " +
    "s t can will just don should now is am are was were be been being have has had having do does did " +
    "doing i me my myself we our ours you your yours he him his she her hers it its they them their " +
    "what which who whom this that these those would could ll re ve d m o " +
    "的 了 是 在 我 你 他 她 它 们 和 与 也 就 都 而 及 着 吗 呢 吧 啊 么 这 那 之 一个 有"
  ).split(/\s+/),
);

const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const IS_HAN = /\p{Script=Han}/u;

/** Lower-cased word tokens, stop words dropped, simple English plural/possessive stripped. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text.normalize("NFKC").toLowerCase())) {
    if (!isWordLike || !HAS_LETTER_OR_DIGIT.test(segment)) continue;
    if (STOPWORDS.has(segment)) continue;
    if (IS_HAN.test(segment) && segment.length > 2) {
      // Dictionary words can be long compounds; their characters' bigrams let partial matches count.
      tokens.push(segment);
      for (let i = 0; i + 1 < segment.length; i++) tokens.push(segment.slice(i, i + 2));
      continue;
    }
    tokens.push(stem(segment));
  }
  return tokens;
}

/** A deliberately small English stemmer: plurals, possessives, -ing/-ed on long words. */
function stem(word: string): string {
  if (!/^[a-z]+$/.test(word) || word.length <= 3) return word;
  if (word.endsWith("ies") && word.length > 4) return word.slice(0, -3) + "y";
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) return word.slice(0, -1);
  if (word.endsWith("ing") && word.length > 5) return word.slice(0, -3);
  if (word.endsWith("ed") && word.length > 4) return word.slice(0, -2);
  return word;
}

/** Term frequencies of a token list. */
export function termFrequencies(tokens: string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}
