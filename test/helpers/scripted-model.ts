import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { messageText } from "../../src/memory/structured.js";

/** Which job a prompt is for, recognised from its system prompt. */
export type PromptKind = "extract" | "reconcile" | "rewrite" | "profile" | "answer";

export function promptKind(messages: BaseMessage[]): PromptKind {
  const system = messages.find((m) => m.getType() === "system");
  const text = system ? messageText(system) : "";
  if (text.startsWith("You extract durable facts") || text.startsWith("You choose what a long-term memory keeps"))
    return "extract";
  if (text.startsWith("You keep a user's long-term memory")) return "reconcile";
  if (text.startsWith("Rewrite the user's latest message")) return "rewrite";
  if (text.startsWith("You keep a compact profile") || text.startsWith("You sort a user's memories")) return "profile";
  return "answer";
}

export type Script = (kind: PromptKind, messages: BaseMessage[]) => string | Promise<string>;

/**
 * A chat model for graph tests: answers each kind of prompt with a script, records every call,
 * and streams its answers word by word like a real model (so token streaming is exercised).
 */
export class ScriptedChatModel extends BaseChatModel {
  calls: { kind: PromptKind; messages: BaseMessage[] }[] = [];

  constructor(private readonly script: Script) {
    super({});
  }

  _llmType(): string {
    return "scripted";
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const text = await this.reply(messages);
    return { generations: [{ text, message: new AIMessage(text) }] };
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    _options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const text = await this.reply(messages);
    for (const piece of text.match(/\S+\s*/g) ?? [text]) {
      const chunk = new ChatGenerationChunk({ text: piece, message: new AIMessageChunk(piece) });
      yield chunk;
      await runManager?.handleLLMNewToken(piece);
    }
  }

  private async reply(messages: BaseMessage[]): Promise<string> {
    const kind = promptKind(messages);
    this.calls.push({ kind, messages });
    return this.script(kind, messages);
  }

  callsOf(kind: PromptKind) {
    return this.calls.filter((c) => c.kind === kind);
  }
}

/**
 * A plausible default script: extracts "I ..." / "My ..." sentences of the user as facts, always
 * ADDs, rewrites by appending the last user turn's topic, makes a profile of the newest memories,
 * and answers by quoting the memories it was given (so tests can see which memories reached the prompt).
 */
export const rememberingScript: Script = (kind, messages) => {
  const last = messageText(messages.at(-1)!);
  switch (kind) {
    case "extract": {
      const user = /<user>\n([\s\S]*?)\n<\/user>/.exec(last)?.[1] ?? "";
      const facts = user
        .split(/(?<=[.!?。！？])\s*/)
        .filter((s) => /^(I|My|I'm|我)/.test(s.trim()))
        .map((s) => ({ text: s.trim(), category: "profile", about: "user", eventTime: null }));
      return JSON.stringify({ facts });
    }
    case "reconcile": {
      const letters = [...last.matchAll(/^\(([A-Z]\d*)\)/gm)].map((m) => m[1]);
      return JSON.stringify({ decisions: letters.map((fact) => ({ fact, action: "ADD" })) });
    }
    case "rewrite":
      return /Latest message:\n([\s\S]*?)\n\nRewritten/.exec(last)?.[1] ?? last;
    case "profile": {
      // The memories as they were shown, newest first: the five newest become the identity section.
      const texts = [...last.matchAll(/^\[\d+\] (".*?") \(/gm)].map((m) => JSON.parse(m[1]) as string);
      return JSON.stringify({ identity: texts.slice(0, 5), preferences: [], constraints: [], focus: [] });
    }
    case "answer": {
      const system = messageText(messages[0]);
      const memories = /<memories>\n([\s\S]*?)\n<\/memories>/.exec(system)?.[1];
      return memories ? `From memory: ${memories.replace(/\n/g, " | ")}` : "I do not remember anything about that.";
    }
  }
};
