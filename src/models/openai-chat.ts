import { ChatOpenAI, type ChatOpenAIFields } from "@langchain/openai";
import type { BaseMessage } from "@langchain/core/messages";
import { messageText, type JsonSchema, type JsonSchemaGenerator } from "../memory/structured.js";
import type { StructuredOutputMode } from "./providers.js";

export interface OpenAICompatibleFields extends ChatOpenAIFields {
  /** The first structured-output mode to try (providers.ts); json_schema when not given. */
  structuredOutput?: StructuredOutputMode;
}

/**
 * ChatOpenAI for any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp's server, Ollama, and
 * the hosted providers of providers.ts), answering structured calls with the server's own
 * mechanism: `response_format: json_schema`, else `json_object`. A server that refuses a mode (a
 * 4xx other than 429, or prose where the schema was asked for) is asked with the next mode from
 * then on, down to the memory engine's prompted JSON path; the answer is validated the same way.
 */
export class OpenAICompatibleChat extends ChatOpenAI implements JsonSchemaGenerator {
  private structuredOutput: StructuredOutputMode;

  constructor(fields: OpenAICompatibleFields) {
    const { structuredOutput, ...chatFields } = fields;
    super(chatFields);
    this.structuredOutput = structuredOutput ?? "json_schema";
  }

  async generateWithJsonSchema(messages: BaseMessage[], schema: JsonSchema, options: { name: string; signal?: AbortSignal }): Promise<string | null> {
    while (this.structuredOutput !== "prompt") {
      const mode = this.structuredOutput;
      const responseFormat =
        mode === "json_schema" ? { type: "json_schema" as const, json_schema: { name: options.name, schema, strict: false } } : { type: "json_object" as const };
      try {
        const reply = await this.invoke(messages, { signal: options.signal, tags: ["langsmith:nostream"], response_format: responseFormat });
        return messageText(reply);
      } catch (error) {
        if (!refused(error)) throw error;
        this.structuredOutput = mode === "json_schema" ? "json_object" : "prompt";
      }
    }
    return null;
  }
}

function refused(error: unknown): boolean {
  // The client parses a json_schema answer itself: prose from a server that ignored the schema
  // surfaces here as a JSON syntax error.
  if (error instanceof SyntaxError || (error as Error)?.name === "SyntaxError") return true;
  const status = (error as { status?: number }).status;
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}
