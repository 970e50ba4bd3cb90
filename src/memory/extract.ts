import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import { EXTRACTION_SYSTEM, QUOTE_EXTRACTION_SYSTEM, extractionUserPrompt, quoteExtractionPrompt } from "./prompts.js";
import { invokeJson } from "../models/structured.js";
import type { ExtractionStyle } from "../models/chat.js";
import { expiryFromWords } from "./expiry.js";
import { chatSentences } from "./sentences.js";
import { statedFacts, statesLastingFact } from "./slots/stated.js";
import { isSmallTalk } from "./small-talk.js";
import { traced } from "../tracing/traced.js";
import { ENTITY_KINDS } from "./entities/types.js";
import { MEMORY_CATEGORIES } from "./types.js";

const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Bounds that keep a small model's answer short (they become grammar limits) and a memory readable. */
const MAX_FACTS = 8;
const MAX_FACT_CHARS = 300;
const MAX_TOPICS = 3;

/** A fresh schema per use: a shared one becomes a JSON-schema $ref, which the grammar builder cannot follow. */
const name = () => z.string().trim().min(1).max(80);
const EntityMentionSchema = z.object({
  name: name(),
  kind: z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.enum(ENTITY_KINDS).catch("topic")),
  role: z.string().trim().min(1).max(40).optional().catch(undefined),
});
const RelationMentionSchema = z.object({ from: name(), type: z.string().trim().min(1).max(40), to: name() });

export const ExtractedFactSchema = z.object({
  text: z.string().trim().min(1, "fact text is empty").max(MAX_FACT_CHARS),
  category: z.preprocess(
    (v) => (typeof v === "string" ? v.toLowerCase() : v),
    z.enum(MEMORY_CATEGORIES).catch("other"),
  ),
  about: z.string().trim().min(1).max(80).catch("user"),
  // A date the model wrote wrongly loses the date, not the fact.
  eventTime: z
    .string()
    .regex(DATE, "eventTime must be YYYY-MM-DD, YYYY-MM, YYYY or null")
    .nullable()
    .optional()
    .transform((v) => v ?? null)
    .catch(null),
  // When a fact with a natural lifetime stops holding; a wrongly written one makes the fact lasting, not lost.
  expiresAt: z
    .string()
    .regex(DATE_OR_TIME, "expiresAt must be YYYY-MM-DD, an ISO date-time, or null")
    .nullable()
    .optional()
    .transform((v) => v ?? null)
    .catch(null),
  forget: z.boolean().optional().default(false),
  // Entities the model got wrong lose the entities (they are then detected from the text), not the fact.
  entities: z.array(EntityMentionSchema).max(MAX_FACTS).optional().default([]).catch([]),
  relations: z.array(RelationMentionSchema).max(MAX_FACTS).optional().default([]).catch([]),
});
export type ExtractedFact = z.infer<typeof ExtractedFactSchema>;

export const ExtractionSchema = z.object({
  facts: z.array(ExtractedFactSchema).max(MAX_FACTS),
  // What the message is about, for the interest trend
  // (src/memory/profile): wrong topics lose the topics, not the facts.
  topics: z.array(z.string().trim().min(1).max(60)).max(MAX_TOPICS).optional().default([]).catch([]),
});

/** What a turn gave: its facts, and the topics of the user's message (none from the quotes style). */
interface ExtractedTurn {
  facts: ExtractedFact[];
  topics: string[];
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

interface TurnToExtract {
  userText: string;
  assistantText?: string;
  time: string;
}

/** Asks the model for the durable facts of one turn. Throws MalformedOutputError after one retry. */
export async function extractFacts(
  model: BaseChatModel,
  turn: TurnToExtract,
  options: { style?: ExtractionStyle; signal?: AbortSignal } = {},
): Promise<ExtractedFact[]> {
  return (await extractTurn(model, turn, options)).facts;
}

/** extractFacts with the topics of the user's message the `facts` style also gives. */
export async function extractTurn(
  model: BaseChatModel,
  turn: TurnToExtract,
  options: { style?: ExtractionStyle; signal?: AbortSignal } = {},
): Promise<ExtractedTurn> {
  return traced(
    "extract facts",
    { ...turn, style: options.style ?? "facts" },
    async () =>
      options.style === "quotes"
        ? { facts: await extractQuotes(model, turn, options.signal), topics: [] }
        : extractWrittenFacts(model, turn, options.signal),
    (extracted) => ({ ...extracted }),
  );
}

async function extractWrittenFacts(
  model: BaseChatModel,
  turn: TurnToExtract,
  signal?: AbortSignal,
): Promise<ExtractedTurn> {
  const date = new Date(turn.time);
  const result = await invokeJson(
    model,
    [
      new SystemMessage(EXTRACTION_SYSTEM),
      new HumanMessage(
        extractionUserPrompt({
          time: turn.time.slice(0, 10),
          weekday: WEEKDAYS[date.getUTCDay()],
          userText: turn.userText,
          assistantText: turn.assistantText,
        }),
      ),
    ],
    ExtractionSchema,
    { name: "facts", signal },
  );
  return { facts: result.facts, topics: result.topics };
}

async function extractQuotes(
  model: BaseChatModel,
  turn: TurnToExtract,
  signal?: AbortSignal,
): Promise<ExtractedFact[]> {
  const sentences = candidateSentences(turn.userText);
  // What the slots read as a fact holding now is kept whatever the model chooses (slots/stated.ts).
  const stated = statedFacts(turn.userText);
  const chosen = sentences.length === 0 ? [] : await chooseQuotes(model, sentences, signal);
  const at = (text: string) => turn.userText.indexOf(text.slice(0, 12));
  const facts = [...new Set([...chosen, ...stated])].sort((a, b) => at(a) - at(b));
  // The user's own sentence says how long it holds ("this week", "周五"): read from its words
  // (expiry.ts), unless it states a lasting fact ("I work at Target and today was inventory day").
  return facts.map((text) =>
    ExtractedFactSchema.parse({ text, expiresAt: statesLastingFact(text) ? null : expiryFromWords(text, turn.time) }),
  );
}

async function chooseQuotes(model: BaseChatModel, sentences: string[], signal?: AbortSignal): Promise<string[]> {
  const schema = z.object({
    facts: z.array(z.enum(sentences as [string, ...string[]])).max(Math.min(MAX_FACTS, sentences.length)),
  });
  const result = await invokeJson(
    model,
    [new SystemMessage(QUOTE_EXTRACTION_SYSTEM), new HumanMessage(quoteExtractionPrompt(sentences))],
    schema,
    { name: "facts", signal },
  );
  return result.facts;
}

const QUESTION = /[?？]\s*$/;

/**
 * The user's sentences that could state a fact (sentences.ts: Chinese and English punctuation
 * alike, lower-case chat too), without questions (they ask, they do not state), without fragments too
 * short to carry a fact on their own ("Hi!", "好的。") and without greetings, thanks and
 * acknowledgements of any length ("hello", "Thanks, that was helpful!", "哈哈好的"; small-talk.ts).
 */
export function candidateSentences(text: string): string[] {
  const out: string[] = [];
  for (const sentence of chatSentences(text)) {
    if (QUESTION.test(sentence) || sentence.length > MAX_FACT_CHARS) continue;
    if (contentLength(sentence) < 4 || isSmallTalk(sentence)) continue;
    if (!out.includes(sentence)) out.push(sentence);
  }
  return out;
}

/** Letters and digits, each CJK character counting as one word's worth (two). */
function contentLength(sentence: string): number {
  let n = 0;
  for (const ch of sentence) {
    if (/\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u.test(ch)) n += 2;
    else if (/[\p{L}\p{N}]/u.test(ch)) n += 1;
  }
  return n;
}
