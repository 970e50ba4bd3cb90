const segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });

/**
 * The sentences of a chat message: Intl.Segmenter's (Chinese and English punctuation alike), and
 * split again where a sentence ends and the next starts in lower case. Chat is often typed all in
 * lower case ("day 40 without a cigarette. weirdly my taste is back. is that real?"), and the
 * segmenter's rules read ". w" as inside one sentence, which made a whole message one question.
 */
export function chatSentences(text: string): string[] {
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    for (const part of segment.split(/(?<=[a-z\p{Extended_Pictographic}][.!?]+)\s+(?=\p{Ll})/u)) {
      if (part.trim()) out.push(part.trim());
    }
  }
  return out;
}
