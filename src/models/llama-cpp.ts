import { BaseChatModel, type BaseChatModelParams } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { availableParallelism } from "node:os";
import {
  getLlama,
  LlamaChatSession,
  // llama.cpp's own warnings (e.g. about a model file's token types) would land on the chat screen.
  LlamaLogLevel,
  type ChatHistoryItem,
  type GbnfJsonSchema,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaChatSessionRepeatPenalty,
  type LlamaGrammar,
} from "node-llama-cpp";
import { messageText, type JsonSchema, type JsonSchemaGenerator } from "../memory/structured.js";
import { untilAborted } from "../util/abort.js";
import { repetitionCut, settledLength } from "./repetition.js";

/**
 * For answers: node-llama-cpp's default (1.1 over the last 64 tokens) let SmolLM2 say one sentence
 * forty times. Tokens of the last 128 are made less likely, more so the more often they came; new
 * lines are spared, since lists need them. Grammar-bound calls keep the default: a stronger
 * penalty would bend their JSON, where keys and quote marks must come back.
 */
const ANSWER_REPEAT_PENALTY: LlamaChatSessionRepeatPenalty = {
  penalty: 1.12,
  frequencyPenalty: 0.1,
  presencePenalty: 0.05,
  lastTokens: 128,
  penalizeNewLine: false,
};

export interface LlamaCppOptions {
  contextSize?: number;
  /** Tokens an answer may take. */
  maxTokens?: number;
  /**
   * Tokens a structured (grammar-bound) answer may take: more than an answer, since a JSON answer
   * cut short does not parse; the schemas' own limits (items, string lengths) keep it short.
   */
  structuredMaxTokens?: number;
  /** Milliseconds an answer may be generated for: then it ends with what it has. Unset: no limit. */
  answerDeadlineMs?: number;
  temperature?: number;
  threads?: number;
  onProgress?: (message: string) => void;
}

/**
 * A GGUF model run in-process by node-llama-cpp on the CPU, with its prebuilt binary (nothing is
 * downloaded or compiled). One context sequence, kept between calls so that a prompt starting
 * like the previous one (the same system prompt) is not evaluated again; calls are served one at
 * a time. Structured output goes through a JSON-schema grammar, so the answer always parses.
 * (@langchain/community's ChatLlamaCpp was tried first: it runs out of sequences after one call
 * and formats chats with a generic template instead of the model's own.)
 */
export class LlamaCppChatModel extends BaseChatModel implements JsonSchemaGenerator {
  private queue: Promise<void> = Promise.resolve();
  private sequence?: LlamaContextSequence;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    private readonly llama: Llama,
    private readonly context: LlamaContext,
    private readonly options: Required<Pick<LlamaCppOptions, "maxTokens" | "structuredMaxTokens" | "temperature">> &
      Pick<LlamaCppOptions, "answerDeadlineMs">,
    params: BaseChatModelParams = {},
  ) {
    super(params);
  }

  static async load(modelPath: string, options: LlamaCppOptions = {}): Promise<LlamaCppChatModel> {
    const llama = await withoutServerPreload(() =>
      getLlama({ gpu: false, build: "never", progressLogs: false, logLevel: LlamaLogLevel.error }),
    );
    const model = await llama.loadModel({
      modelPath,
      onLoadProgress: (p) => options.onProgress?.(`loading ${modelPath.split("/").pop()} ${Math.round(p * 100)}%`),
    });
    // One core is left free: llama.cpp's worker threads spin, and on a busy 2-core machine a
    // thread per core made generation ~100x slower (measured: 15 tokens in 120 s vs 30 in 0.7 s).
    const context = await model.createContext({
      contextSize: options.contextSize ?? 4096,
      threads: options.threads ?? Math.max(1, availableParallelism() - 1),
    });
    return new LlamaCppChatModel(llama, context, {
      maxTokens: options.maxTokens ?? 256,
      structuredMaxTokens: options.structuredMaxTokens ?? 1024,
      temperature: options.temperature ?? 0.3,
      answerDeadlineMs: options.answerDeadlineMs,
    });
  }

  _llmType(): string {
    return "llama-cpp";
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let text = "";
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) text += chunk.text;
    return { generations: [{ text, message: new AIMessage(text) }] };
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const pending: string[] = [];
    let finished = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    this.runAnswer(messages, options.signal, (text) => {
      pending.push(text);
      wake?.();
    })
      .then(
        () => (finished = true),
        (e) => ((failure = e), (finished = true)),
      )
      .finally(() => wake?.());
    for (;;) {
      while (pending.length) {
        const text = pending.shift()!;
        yield new ChatGenerationChunk({ text, message: new AIMessageChunk(text) });
        await runManager?.handleLLMNewToken(text);
      }
      if (finished) break;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
    if (failure) throw failure;
  }

  /**
   * A free-text answer, with the repeat penalty, within the answer deadline, and cut where a phrase
   * starts for the third time (repetition.ts). Text is handed to `onText` only once no later cut
   * can take it back, so what was streamed is what the answer keeps.
   */
  private async runAnswer(
    messages: BaseMessage[],
    signal: AbortSignal | undefined,
    onText: (text: string) => void,
  ): Promise<void> {
    const looping = new AbortController();
    let text = "";
    let shown = 0;
    const show = (upTo: number) => {
      if (upTo <= shown) return;
      onText(text.slice(shown, upTo));
      shown = upTo;
    };
    await this.runPrompt(messages, {
      signal,
      stop: looping.signal,
      deadlineMs: this.options.answerDeadlineMs,
      repeatPenalty: ANSWER_REPEAT_PENALTY,
      onTextChunk: (chunk) => {
        if (looping.signal.aborted) return;
        text += chunk;
        const cut = repetitionCut(text);
        if (cut === null) return show(settledLength(text));
        text = text.slice(0, cut).trimEnd();
        looping.abort();
      },
    });
    show(text.length);
  }

  /** An answer that follows `schema`: a grammar built from it allows no other text. */
  async generateWithJsonSchema(
    messages: BaseMessage[],
    schema: JsonSchema,
    options: { signal?: AbortSignal },
  ): Promise<string> {
    const grammar = await this.grammarFor(schema);
    // Greedy: memory work should give the same answer for the same turn.
    return this.runPrompt(messages, {
      signal: options.signal,
      grammar,
      maxTokens: this.options.structuredMaxTokens,
      temperature: 0,
    });
  }

  private grammarFor(schema: JsonSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      // Per-turn schemas (the quotes of one message) would otherwise pile up.
      if (this.grammars.size >= 32) this.grammars.delete(this.grammars.keys().next().value!);
      grammar = this.llama.createGrammarForJsonSchema(
        schema as unknown as Readonly<{ type: "object" }> & GbnfJsonSchema,
      );
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private async runPrompt(
    messages: BaseMessage[],
    options: {
      signal?: AbortSignal;
      /** Ends the generation early, keeping what it has (the caller's `signal` throws instead). */
      stop?: AbortSignal;
      deadlineMs?: number;
      grammar?: LlamaGrammar;
      maxTokens?: number;
      temperature?: number;
      repeatPenalty?: LlamaChatSessionRepeatPenalty;
      onTextChunk?: (text: string) => void;
    },
  ): Promise<string> {
    const release = await this.acquire(options.signal);
    // Counted from here, not from the call: waiting for the previous call is not this answer's time.
    const deadline = options.deadlineMs ? AbortSignal.timeout(options.deadlineMs) : undefined;
    try {
      options.signal?.throwIfAborted();
      this.sequence ??= this.context.getSequence();
      const session = new LlamaChatSession({ contextSequence: this.sequence, autoDisposeSequence: false });
      try {
        const { history, prompt } = toLlamaChat(messages);
        session.setChatHistory(history);
        const ends = [options.stop, deadline].filter((s) => s !== undefined);
        const answer = await session.prompt(prompt, {
          maxTokens: options.maxTokens ?? this.options.maxTokens,
          temperature: options.temperature ?? this.options.temperature,
          signal: ends.length
            ? AbortSignal.any([...(options.signal ? [options.signal] : []), ...ends])
            : options.signal,
          // A stop or the deadline keeps the text so far; the caller's abort still throws (below).
          stopOnAbortSignal: ends.length > 0,
          repeatPenalty: options.repeatPenalty,
          grammar: options.grammar,
          onTextChunk: options.onTextChunk,
        });
        options.signal?.throwIfAborted();
        return answer;
      } finally {
        session.dispose();
      }
    } catch (error) {
      if (deadline?.aborted && !options.signal?.aborted) {
        error = new Error(
          `the local model did not start answering within ${options.deadlineMs! / 1000} s (LOCAL_ANSWER_DEADLINE_S): ` +
            "raise LOCAL_ANSWER_DEADLINE_S, or lower HISTORY_TOKEN_BUDGET so the prompt is shorter",
          { cause: error },
        );
      }
      // A failed or aborted evaluation can leave the sequence's state unknown: start afresh.
      this.sequence?.dispose();
      this.sequence = undefined;
      throw error;
    } finally {
      release();
    }
  }

  /** Waits for the one sequence; a call cancelled while it waits gives up its place. */
  private async acquire(signal?: AbortSignal): Promise<() => void> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((r) => (release = r));
    if (!signal) {
      await previous;
      return release;
    }
    try {
      await untilAborted(previous, signal);
    } catch (error) {
      void previous.then(release);
      throw error;
    }
    return release;
  }
}

/** LangChain messages → node-llama-cpp chat history + the prompt to answer (the last user turn). */
export function toLlamaChat(messages: BaseMessage[]): { history: ChatHistoryItem[]; prompt: string } {
  const items: ChatHistoryItem[] = messages.map((m) => {
    const text = messageText(m);
    switch (m.getType()) {
      case "system":
        return { type: "system", text };
      case "ai":
        return { type: "model", response: [text] };
      default:
        return { type: "user", text };
    }
  });
  const last = items.at(-1);
  if (last?.type === "user") return { history: items.slice(0, -1), prompt: last.text };
  return { history: items, prompt: "" };
}

/**
 * node-llama-cpp checks its binary in a forked child, which inherits this process's execArgv.
 * Under `langgraph dev` that includes the server's preload module, which parses the child's
 * last argument as the server's JSON config and crashes it, so the check fails
 * ("NoBinaryFoundError"). The preload is left out while the binary is checked.
 */
async function withoutServerPreload<T>(load: () => Promise<T>): Promise<T> {
  const saved = process.execArgv;
  const kept: string[] = [];
  for (let i = 0; i < saved.length; i++) {
    const value = saved[i].startsWith("--import=") ? saved[i] : saved[i] === "--import" ? (saved[i + 1] ?? "") : "";
    if (value.includes("langgraph-api") && value.includes("preload")) {
      if (saved[i] === "--import") i++;
      continue;
    }
    kept.push(saved[i]);
  }
  process.execArgv = kept;
  try {
    return await load();
  } finally {
    process.execArgv = saved;
  }
}
