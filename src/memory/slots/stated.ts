import { readClauses } from "./read.js";

const sentences = new Intl.Segmenter(undefined, { granularity: "sentence" });
const QUESTION_END = /[?？]\s*$/u;

/**
 * The statements of a message that the slots read as a fact holding now ("I live in Lisbon", 我住杭州),
 * in message order: a sentence, or, in a sentence that ends as a question ("I live in Minneapolis
 * and drive a Subaru, do I need winter tires?"), its clauses before the question. The quotes
 * extraction keeps these whatever the small model chose: it dropped a message's first sentence
 * about half the time.
 */
export function statedFacts(text: string): string[] {
  const out: string[] = [];
  for (const { segment } of sentences.segment(text)) {
    const sentence = segment.trim();
    if (!sentence) continue;
    const { clauses } = readClauses(sentence);
    if (!clauses.some((c) => !c.hedged && c.slots.length > 0)) continue;
    if (!QUESTION_END.test(sentence)) {
      out.push(sentence);
      continue;
    }
    // The sentence up to its first hedged clause (the question), as one fact.
    const first = clauses.find((c) => c.hedged);
    const end = first ? sentence.indexOf(first.text) : -1;
    const statement = (end > 0 ? sentence.slice(0, end) : "").replace(/[\s,，、;；]+$/u, "").replace(/\s+(?:and|but|so)$/iu, "");
    if (statement) out.push(statement + (/\p{Script=Han}/u.test(sentence) ? "。" : "."));
  }
  return out;
}
