import { chatSentences } from "../sentences.js";
import { readClauses } from "./read.js";
import { changedTopics } from "./topics.js";

/**
 * Whether a text states a lasting fact of the user's or their people's (where they live, work,
 * a relationship, an age, a habit; not a plan's date): such a memory does not expire because a
 * word of the same sentence names today ("I work at Target and today was inventory day").
 */
export function statesLastingFact(text: string): boolean {
  return readClauses(text).clauses.some((c) => !c.hedged && c.slots.some((s) => !s.attribute.startsWith("plan:")));
}
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
  for (const sentence of chatSentences(text)) {
    if (!sentence) continue;
    const { clauses } = readClauses(sentence);
    if (!clauses.some((c) => !c.hedged && c.slots.length > 0) && changedTopics(sentence).length === 0) continue;
    if (!QUESTION_END.test(sentence)) {
      out.push(sentence);
      continue;
    }
    // The sentence up to its first hedged clause (the question), as one fact.
    const first = clauses.find((c) => c.hedged);
    const end = first ? sentence.indexOf(first.text) : -1;
    const statement = (end > 0 ? sentence.slice(0, end) : "")
      .replace(/[\s,，、;；]+$/u, "")
      .replace(/\s+(?:and|but|so)$/iu, "");
    if (statement) out.push(statement + (/\p{Script=Han}/u.test(sentence) ? "。" : "."));
  }
  return out;
}
