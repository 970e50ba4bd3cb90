import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import { EXTRACTION_SYSTEM, extractionUserPrompt } from "./prompts.js";
import { invokeJson } from "./structured.js";
import { MEMORY_CATEGORIES } from "./types.js";

const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

export const ExtractedFactSchema = z.object({
  text: z.string().trim().min(1, "fact text is empty"),
  category: z.preprocess(
    (v) => (typeof v === "string" ? v.toLowerCase() : v),
    z.enum(MEMORY_CATEGORIES).catch("other"),
  ),
  about: z.string().trim().min(1).catch("user"),
  eventTime: z
    .string()
    .regex(DATE, "eventTime must be YYYY-MM-DD, YYYY-MM, YYYY or null")
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  forget: z.boolean().optional().default(false),
});
export type ExtractedFact = z.infer<typeof ExtractedFactSchema>;

export const ExtractionSchema = z.object({ facts: z.array(ExtractedFactSchema) });

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Asks the model for the durable facts of one turn. Throws MalformedOutputError after one retry. */
export async function extractFacts(
  model: BaseChatModel,
  turn: { userText: string; assistantText?: string; time: string },
  signal?: AbortSignal,
): Promise<ExtractedFact[]> {
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
    undefined,
    signal,
  );
  return result.facts;
}
