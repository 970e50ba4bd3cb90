import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import type { z } from "zod";
import { AppError } from "../util/errors.js";

/** The model's answer could not be turned into the expected structure, even after one retry. */
export class MalformedOutputError extends AppError {
  readonly code = "model_output_invalid";
  /** The model may do better on another try (the queue caps how many: retry-policy.ts). */
  override readonly retryable = true;
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message);
  }
}

/** A JSON schema as the models' native structured-output mechanisms take it. */
export type JsonSchema = Record<string, unknown>;

/**
 * A chat model that can be made to answer in a given JSON schema by its own mechanism: a grammar
 * for a local model, `response_format` for an OpenAI-compatible server. Resolves to null when the
 * model (or the server behind it) turns out not to support it, so the caller falls back to asking
 * for JSON in the prompt.
 */
export interface JsonSchemaGenerator {
  generateWithJsonSchema(
    messages: BaseMessage[],
    schema: JsonSchema,
    options: { name: string; signal?: AbortSignal },
  ): Promise<string | null>;
}

function canGenerateWithJsonSchema(model: unknown): model is JsonSchemaGenerator {
  return typeof (model as Partial<JsonSchemaGenerator>)?.generateWithJsonSchema === "function";
}

interface InvokeJsonOptions<T> {
  /** Names the structure for servers that want a name (`response_format.json_schema.name`). */
  name?: string;
  /** Semantic validation (e.g. indices in range): an error message, or null when the value is fine. */
  check?: (value: T) => string | null;
  signal?: AbortSignal;
}

/**
 * Gets a value of `schema` from the model. The model's native mechanism is used when it has one
 * (the JSON schema comes from the same zod schema that validates the answer); otherwise JSON is
 * asked for in the prompt, which every chat model can follow (scripted test models included).
 * Either way the answer is validated with zod and, on failure, retried once with the error shown
 * to the model.
 */
export async function invokeJson<S extends z.ZodTypeAny>(
  model: BaseChatModel,
  messages: BaseMessage[],
  schema: S,
  options: InvokeJsonOptions<z.infer<S>> = {},
): Promise<z.infer<S>> {
  const { name = "answer", check = () => null, signal } = options;
  const jsonSchema = canGenerateWithJsonSchema(model) ? jsonSchemaOf(schema) : undefined;
  let conversation = messages;
  let lastError = "";
  let lastRaw = "";
  for (let attempt = 0; attempt < 2; attempt++) {
    const native = jsonSchema
      ? await (model as unknown as JsonSchemaGenerator).generateWithJsonSchema(conversation, jsonSchema, {
          name,
          signal,
        })
      : null;
    lastRaw = native ?? messageText(await model.invoke(conversation, { signal, tags: ["langsmith:nostream"] }));
    const problem = validate(lastRaw, schema, check);
    if (problem.ok) return problem.value;
    lastError = problem.error;
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

function validate<S extends z.ZodTypeAny>(
  raw: string,
  schema: S,
  check: (value: z.infer<S>) => string | null,
): { ok: true; value: z.infer<S> } | { ok: false; error: string } {
  const parsed = parseJson(raw);
  if (!parsed.ok) return parsed;
  const result = schema.safeParse(parsed.value);
  if (!result.success) {
    return {
      ok: false,
      error: result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
    };
  }
  const problem = check(result.data);
  return problem ? { ok: false, error: problem } : { ok: true, value: result.data };
}

/**
 * The JSON schema of a zod schema, reduced to what grammar builders and strict servers take:
 * no `$schema`, `anyOf` of plain alternatives written as `oneOf`, no `default`.
 */
export function jsonSchemaOf(schema: z.ZodTypeAny): JsonSchema {
  return simplify(toJsonSchema(schema) as JsonSchema) as JsonSchema;
}

function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "default") continue;
    out[key === "anyOf" ? "oneOf" : key] = simplify(value);
  }
  return out;
}

export function messageText(message: BaseMessage): string {
  const c = message.content;
  if (typeof c === "string") return c;
  return c.map((part) => (typeof part === "string" ? part : "text" in part ? String(part.text) : "")).join("");
}

/**
 * Finds the JSON object in a reply that may wrap it in prose or a ```json fence. Not
 * @langchain/core's parseJsonMarkdown: that one finds nothing inside prose (small local models
 * write prose around their JSON) and completes a cut-off answer, which would drop facts silently.
 */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = fenced ? fenced[1] : text;
  const start = body.search(/[{[]/);
  if (start < 0) return { ok: false, error: "no JSON object found in the answer" };
  const open = body[start];
  const close = open === "{" ? "}" : "]";
  const end = body.lastIndexOf(close);
  if (end <= start) return { ok: false, error: "the JSON object is not closed (the answer may have been cut off)" };
  try {
    return { ok: true, value: JSON.parse(body.slice(start, end + 1)) };
  } catch (e) {
    return { ok: false, error: `not valid JSON (${(e as Error).message})` };
  }
}
