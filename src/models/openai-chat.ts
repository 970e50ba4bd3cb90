import { ChatOpenAI } from "@langchain/openai";
import type { BaseMessage } from "@langchain/core/messages";
import { messageText, type JsonSchema, type JsonSchemaGenerator } from "../memory/structured.js";

/**
 * ChatOpenAI for any OpenAI-compatible endpoint, answering structured calls with
 * `response_format: json_schema` (OpenAI, vLLM, llama.cpp's server, Ollama, DeepSeek's and Qwen's
 * compatible modes take it). A server that refuses the field (a 4xx other than 429) is asked with
 * a prompt from then on: the memory engine's prompted JSON path, validated the same way.
 */
export class OpenAICompatibleChat extends ChatOpenAI implements JsonSchemaGenerator {
  private jsonSchemaRefused = false;

  async generateWithJsonSchema(messages: BaseMessage[], schema: JsonSchema, options: { name: string; signal?: AbortSignal }): Promise<string | null> {
    if (this.jsonSchemaRefused) return null;
    try {
      const reply = await this.invoke(messages, {
        signal: options.signal,
        tags: ["langsmith:nostream"],
        response_format: { type: "json_schema", json_schema: { name: options.name, schema, strict: false } },
      });
      return messageText(reply);
    } catch (error) {
      // The client parses a json_schema answer itself: prose from a server that ignored the
      // schema surfaces here as a JSON syntax error.
      if (error instanceof SyntaxError || (error as Error)?.name === "SyntaxError") {
        this.jsonSchemaRefused = true;
        return null;
      }
      const status = (error as { status?: number }).status;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
        this.jsonSchemaRefused = true;
        return null;
      }
      throw error;
    }
  }
}
