/**
 * Small models fall into loops ("I'm happy to assist you with your creative writing project"
 * forty times, until the token limit). A streamed answer is cut where a phrase starts for the
 * third time: the same sentence or clause (of at least MIN_CLAUSE_WORDS words: Chinese loops
 * come as "美丽的独立，美丽的独立，"), or the same run of PHRASE_WORDS words. Twice can be emphasis or
 * a list; three times is a loop. A run of PHRASE_WORDS or more of one symbol ("；；；；；；；；") is a
 * loop too, and keeps two of them.
 *
 * Words are runs of letters and digits, lower-cased; a Han or kana character is a word by itself
 * (Chinese has no spaces, and a run of eight characters repeated three times is a loop too).
 */

/** Words of a repeated run that make it a loop. */
export const PHRASE_WORDS = 8;
/** A shorter clause ("Yes.", "谢谢。") may come back without being a loop. */
export const MIN_CLAUSE_WORDS = 3;

interface Word {
  text: string;
  start: number;
}

const WORD =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}])+(?:['’][\p{L}\p{N}]+)*/gu;
const CLAUSE_END = /[.!?。！？\n,，;；:：、]+/gu;
const SYMBOL_RUN = new RegExp(`([^\\p{L}\\p{N}\\s])\\1{${PHRASE_WORDS - 1},}`, "u");

function wordsOf(text: string, offset = 0): Word[] {
  return [...text.matchAll(WORD)].map((m) => ({ text: m[0].toLowerCase(), start: m.index + offset }));
}

/**
 * Where `text` should end because a phrase starts there for the third time (the offset of that
 * third start), or null when nothing repeats three times. Keeping `text.slice(0, cut)` keeps the
 * first two occurrences.
 */
export function repetitionCut(text: string): number | null {
  const symbols = text.match(SYMBOL_RUN);
  const symbolCut = symbols ? symbols.index! + 2 * symbols[1].length : null;
  const cuts = [thirdClause(text), thirdPhrase(wordsOf(text)), symbolCut].filter((c): c is number => c !== null);
  return cuts.length ? Math.min(...cuts) : null;
}

/** The start of the first finished sentence or clause seen for the third time. */
function thirdClause(text: string): number | null {
  const seen = new Map<string, number>();
  let start = 0;
  for (const end of text.matchAll(CLAUSE_END)) {
    const words = wordsOf(text.slice(start, end.index), start);
    if (words.length >= MIN_CLAUSE_WORDS) {
      const key = words.map((w) => w.text).join(" ");
      const count = (seen.get(key) ?? 0) + 1;
      if (count === 3) return words[0].start;
      seen.set(key, count);
    }
    start = end.index + end[0].length;
  }
  return null;
}

/** The start of the first run of PHRASE_WORDS words seen for the third time, occurrences not overlapping. */
function thirdPhrase(words: Word[]): number | null {
  const seen = new Map<string, { count: number; nextFree: number }>();
  for (let i = 0; i + PHRASE_WORDS <= words.length; i++) {
    const key = words
      .slice(i, i + PHRASE_WORDS)
      .map((w) => w.text)
      .join(" ");
    const entry = seen.get(key);
    if (!entry) {
      seen.set(key, { count: 1, nextFree: i + PHRASE_WORDS });
    } else if (i >= entry.nextFree) {
      if (entry.count === 2) return words[i].start;
      entry.count++;
      entry.nextFree = i + PHRASE_WORDS;
    }
  }
  return null;
}

/**
 * How much of a growing answer can be shown: all but its last PHRASE_WORDS + 1 words, the most a
 * cut found later can take back (a third occurrence is noticed when its last word, or its
 * clause end, arrives; a symbol run has no words, so it is never shown before it is noticed).
 */
export function settledLength(text: string): number {
  const words = wordsOf(text);
  const held = PHRASE_WORDS + 1;
  return words.length > held ? words[words.length - held].start : 0;
}
