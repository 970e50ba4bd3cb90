import type { EntityStore } from "./store.js";
import { USER_ENTITY } from "./types.js";

/**
 * Questions that ask for the other end of one of the user's one-at-a-time relations (resolve.ts):
 * where they live, where they work. The words of such a question are rarely those of the memory
 * that answers it ("where do I live?" against "We moved to Denver last month", 我住在哪里 against
 * 我上个月搬到北京了), and with an embedder that cannot read the language nothing else connects
 * them; the memory map already knows which memory stated the relation that holds now.
 */
const ASKED: { type: string; patterns: RegExp[] }[] = [
  {
    type: "lives in",
    patterns: [
      /\bwhere do (?:i|we) (?:currently |now )?live\b/i,
      /\bwhere (?:am i|are we) (?:living|based|staying)\b/i,
      /\bwhere(?:'s| is) (?:my|our) (?:home|place)\b/i,
      /我们?(?:现在|目前|如今)?(?:住在?|生活在?|定居在?)(?:哪|什么地方|什么城市)/u,
      /我们?家(?:现在|目前)?在(?:哪|什么地方|什么城市)/u,
    ],
  },
  {
    type: "works at",
    patterns: [
      /\bwhere do (?:i|we) (?:currently |now )?work\b/i,
      /\bwho do (?:i|we) (?:currently |now )?work for\b/i,
      /\bwhich company do (?:i|we) work (?:at|for)\b/i,
      /我(?:现在|目前)?在(?:哪|什么公司|哪家公司|哪个公司)(?:里|儿)?(?:工作|上班)/u,
    ],
  },
];

/** The relation types a question asks the user's current value of ("lives in", "works at"); none for most questions. */
export function relationsAskedFor(question: string): string[] {
  const text = question.normalize("NFKC");
  return ASKED.filter((a) => a.patterns.some((p) => p.test(text))).map((a) => a.type);
}

/** Ids of the memories that stated the user's current relations of the types the question asks for. */
export async function memoriesAnswering(store: EntityStore, userId: string, question: string): Promise<string[]> {
  const types = relationsAskedFor(question);
  if (types.length === 0) return [];
  const current = await store.relations(userId);
  const ids = current
    .filter((r) => r.fromId === USER_ENTITY && types.includes(r.type) && r.validTo === null && r.memoryId)
    .map((r) => r.memoryId!);
  return [...new Set(ids)];
}
