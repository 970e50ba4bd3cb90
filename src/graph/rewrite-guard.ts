/**
 * Says why a rewritten question is not plausible, or null when it is. Small models sometimes
 * answer, apologise or ramble instead of rewriting; such text must not become the search query.
 */
export function implausibleRewrite(question: string, rewritten: string): string | null {
  // A self-contained question names a few things from the history; it does not add paragraphs.
  const limit = 3 * [...question].length + 160;
  if ([...rewritten].length > limit)
    return `rewrite too long (${[...rewritten].length} characters, at most ${limit} for this question)`;
  if (META_TALK.some((pattern) => pattern.test(rewritten.trim())))
    return "rewrite is meta-talk or an apology, not a question";
  if (repeats(rewritten)) return "rewrite repeats itself";
  return null;
}

const META_TALK = [
  /^(i'?m sorry|sorry\b|i apologi[sz]e|apologies|as an ai\b|as a language model|i (cannot|can't|am unable)|here (is|'s) (the|your|a) (rewritten|rephrased|self-contained)|(the )?rewritten question\b|sure[,!.])/i,
  /^(抱歉|对不起|很抱歉|不好意思|作为(一个)?(AI|人工智能|语言模型)|我(无法|不能)|以下是|改写后的问题|好的[，,。])/i,
];

/** The same piece of 12+ characters three times, or the same line twice. */
function repeats(text: string): boolean {
  const lines = text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 8);
  if (new Set(lines).size < lines.length) return true;
  const chars = [...text];
  const size = 12;
  if (chars.length < size * 3) return false;
  const seen = new Map<string, number>();
  for (let i = 0; i + size <= chars.length; i++) {
    const piece = chars.slice(i, i + size).join("");
    const count = (seen.get(piece) ?? 0) + 1;
    if (count >= 3) return true;
    seen.set(piece, count);
  }
  return false;
}
