import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { z } from "zod";

/** The model's answer could not be turned into the expected structure, even after one retry. */
export class MalformedOutputError extends Error {
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message);
    this.name = "MalformedOutputError";
  }
}

/**
 * Asks for JSON, validates it with zod, and on failure retries once with the validation error shown
 * to the model. Prompted JSON (not tool calling) so that every chat model works: OpenAI-compatible
 * servers without tool support, small local models, scripted test models.
 * `check` adds semantic validation (e.g. indices in range) and returns an error message or null.
 */
export async function invokeJson<S extends z.ZodTypeAny>(
  model: BaseChatModel,
  messages: BaseMessage[],
  schema: S,
  check: (value: z.infer<S>) => string | null = () => null,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  let conversation = messages;
  let lastError = "";
  let lastRaw = "";
  for (let attempt = 0; attempt < 2; attempt++) {
    const reply = await model.invoke(conversation, { signal, tags: ["langsmith:nostream"] });
    lastRaw = messageText(reply);
    const parsed = parseJson(lastRaw);
    if (parsed.ok) {
      const result = schema.safeParse(parsed.value);
      if (result.success) {
        const problem = check(result.data);
        if (!problem) return result.data;
        lastError = problem;
      } else {
        lastError = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      }
    } else {
      lastError = parsed.error;
    }
    conversation = [
      ...messages,
      new AIMessage(lastRaw),
      new HumanMessage(
        `Your answer was not valid: ${lastError}. Answer again with only the corrected JSON object, no other text.`,
      ),
    ];
  }
  throw new MalformedOutputError(`model output rejected after one retry: ${lastError}`, lastRaw);
}

export function messageText(message: BaseMessage): string {
  const c = message.content;
  if (typeof c === "string") return c;
  return c.map((part) => (typeof part === "string" ? part : "text" in part ? String(part.text) : "")).join("");
}

/** Finds the JSON object in a reply that may wrap it in prose or a ```json fence. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = fenced ? fenced[1] : text;
  const start = body.search(/[{[]/);
  if (start < 0) return { ok: false, error: "no JSON object found in the answer" };
  const open = body[start];
  const close = open === "{" ? "}" : "]";
  const end = body.lastIndexOf(close);
  if (end <= start) return { ok: false, error: "the JSON object is not closed" };
  try {
    return { ok: true, value: JSON.parse(body.slice(start, end + 1)) };
  } catch (e) {
    return { ok: false, error: `not valid JSON (${(e as Error).message})` };
  }
}

export { SystemMessage, HumanMessage };
