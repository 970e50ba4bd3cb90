import { randomUUID } from "node:crypto";
import { ChatOpenAI, type ChatOpenAIFields } from "@langchain/openai";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { ChatModelStreamEvent } from "@langchain/core/language_models/event";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
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
 *
 * Its messages are named after the call (`run-<run id>`, LangChain's own rule for messages without
 * an id), not after the server's completion id: some OpenAI-compatible servers give every
 * completion the same id, and a thread's second answer would then share the first one's id in
 * the graph state and in the messages stream. The streamed chunks and the final message of one
 * call carry the same name.
 */
export class OpenAICompatibleChat extends ChatOpenAI implements JsonSchemaGenerator {
  private structuredOutput: StructuredOutputMode;

  constructor(fields: OpenAICompatibleFields) {
    const { structuredOutput, ...chatFields } = fields;
    super(chatFields);
    this.structuredOutput = structuredOutput ?? "json_schema";
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const result = await super._generate(messages, options, runManager);
    const id = callMessageId(runManager);
    for (const generation of result.generations) generation.message._updateId(id);
    return result;
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const id = callMessageId(runManager);
    // The client yields each chunk before it reports the chunk to the callbacks (the graph's
    // messages stream), so the name set here is the one the stream carries.
    for await (const chunk of super._streamResponseChunks(messages, options, runManager)) {
      chunk.message._updateId(id);
      yield chunk;
    }
  }

  async *_streamChatModelEvents(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatModelStreamEvent> {
    const id = callMessageId(runManager);
    for await (const event of super._streamChatModelEvents(messages, options, runManager)) {
      yield event.event === "message-start" ? { ...event, id } : event;
    }
  }

  async generateWithJsonSchema(
    messages: BaseMessage[],
    schema: JsonSchema,
    options: { name: string; signal?: AbortSignal },
  ): Promise<string | null> {
    while (this.structuredOutput !== "prompt") {
      const mode = this.structuredOutput;
      const responseFormat =
        mode === "json_schema"
          ? { type: "json_schema" as const, json_schema: { name: options.name, schema, strict: false } }
          : { type: "json_object" as const };
      try {
        const reply = await this.invoke(messages, {
          signal: options.signal,
          tags: ["langsmith:nostream"],
          response_format: responseFormat,
        });
        return messageText(reply);
      } catch (error) {
        if (!refused(error)) throw error;
        this.structuredOutput = mode === "json_schema" ? "json_object" : "prompt";
      }
    }
    return null;
  }
}

/** One name per model call: the run id LangChain gave it, or a fresh one when it runs without callbacks. */
function callMessageId(runManager: CallbackManagerForLLMRun | undefined): string {
  return `run-${runManager?.runId ?? randomUUID()}`;
}

function refused(error: unknown): boolean {
  // The client parses a json_schema answer itself: prose from a server that ignored the schema
  // surfaces here as a JSON syntax error.
  if (error instanceof SyntaxError || (error as Error)?.name === "SyntaxError") return true;
  const status = (error as { status?: number }).status;
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}
