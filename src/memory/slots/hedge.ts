import type { Hedge } from "./types.js";

/**
 * Clauses that state nothing that holds now: questions, hypotheticals, plans still under
 * consideration, stories of the past, what someone else said. Ordinary words of English and
 * Chinese, not a list tuned to a data set. A hedged clause supersedes nothing.
 */
const EN: [Hedge, RegExp][] = [
  ["question", /\?\s*$|^\s*(?:should|would|could|can|do|does|did|is|are|am|will|shall)\s+(?:i|we|you)\b/i],
  [
    "hypothetical",
    /\b(?:if|unless|suppose|supposing|imagine|what if|in case|wish|as if)\b|\b(?:i|we)(?:'d| would| could| might)\b/i,
  ],
  [
    "plan",
    /\b(?:thinking (?:about|of)|considering|consider|might|maybe|perhaps|planning (?:to|on)|plan to|hope to|hoping to|want to|wanna|would like to|dream(?:ing)? (?:of|about)|not sure (?:if|whether)|deciding|debating)\b/i,
  ],
  [
    "future",
    /\b(?:will|'ll|going to|gonna|moving to|about to)\b|\bnext (?:week|month|year|spring|summer|fall|autumn|winter)\b/i,
  ],
  [
    "past",
    /\b(?:when i was|as a (?:kid|child|teen)|growing up|back in (?:the )?(?:day|\d{4}|high school|college)|years ago|in my (?:twenties|teens|youth)|once upon)\b/i,
  ],
  ["quoted", /["“”「」]/],
];

const ZH: [Hedge, RegExp][] = [
  ["question", /[?？]\s*$|(?:吗|呢|么)[。！]?\s*$|该不该|要不要|是不是|能不能|可不可以|会不会|好不好|行不行|哪个好/u],
  ["hypothetical", /如果|要是|假如|假设|万一|的话|倘若|若是|幻想|但愿|早知道/u],
  ["plan", /考虑|打算|想要|想去|想搬|想换|在想|可能|也许|说不定|计划|犹豫|纠结|准备|或许/u],
  ["future", /下(?:个)?(?:周|星期|个月|月)|明年|将来|以后|过几天|快要|即将|会去|要去/u],
  ["past", /小时候|当年|那时候|那会儿|上学的时候|读书的时候|年轻的时候|以前的时候|曾经|多年前|几年前/u],
  ["quoted", /["“”「」『』]|^听说/u],
];

const HAN = /\p{Script=Han}/u;

/**
 * Where someone else's words begin in a clause ("my doctor said …", 我同事说…, 告诉我…): what
 * follows is theirs, what comes before is still the user's ("I started eating fish again after
 * my doctor said my iron was low").
 */
export const REPORTED =
  /\b(?:said|says|told me|tells me|telling me|asked me|mentioned|thinks|claims)\b(?!\s+(?:yes|no)\b)|(?<!跟你|和你|我)说(?!错|过|实话|真的|起来)|告诉我|听说|跟我讲/u;

/** The reasons a clause is hedged (none: it states something that holds now). */
export function hedgesOf(clause: string): Hedge[] {
  return hedgeOf(clause).hedges;
}

/**
 * The hedges of a clause and where the hedged part begins: a question is hedged whole; a plan, a
 * future or a story from where its word stands ("My boyfriend Daniel, next month …": the boyfriend
 * is still now; 我男朋友阿杰下个月生日 too).
 */
export function hedgeOf(clause: string): { hedges: Hedge[]; at: number } {
  const rules = HAN.test(clause) ? ZH : EN;
  let at = clause.length;
  const hedges: Hedge[] = [];
  for (const [hedge, pattern] of rules) {
    const m = pattern.exec(clause);
    if (!m) continue;
    hedges.push(hedge);
    at = Math.min(at, hedge === "question" || hedge === "hypothetical" || hedge === "quoted" ? 0 : (m.index ?? 0));
  }
  return { hedges, at: hedges.length ? at : clause.length };
}

/**
 * A hypothetical or a question opening a sentence colours the clauses after it ("If I ever moved
 * to Paris, I'd have to learn French"; 要是我当年去了上海，现在…): they are hedged too.
 */
export function sentenceWideHedge(firstClause: string): Hedge | undefined {
  const hedges = hedgesOf(firstClause);
  if (hedges.includes("hypothetical")) return "hypothetical";
  // "My friend said, I live in Tokyo now": the words after a reporting verb are someone else's.
  return /\b(?:said|says|told me|tells me)\s*[:,]?\s*$|(?<!跟你|和你|给你|我)说[：:，,]?\s*$/u.test(firstClause)
    ? "quoted"
    : undefined;
}
