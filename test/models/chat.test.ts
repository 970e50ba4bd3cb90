import { describe, expect, it } from "vitest";
import { ChatOpenAI } from "@langchain/openai";
import { loadSettings } from "../../src/config/settings.js";
import { ModelConfigError, createChatModel, parseModelSpec } from "../../src/models/chat.js";
import { createEmbeddings } from "../../src/models/embeddings.js";
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { toLlamaChat } from "../../src/models/llama-cpp.js";

const settings = (env: Record<string, string>) => loadSettings(env);

describe("model settings", () => {
  it("parses provider:model specs", () => {
    expect(parseModelSpec("openai:gpt-4o-mini", "CHAT_MODEL")).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expect(parseModelSpec("llama-cpp:/a/b:c.gguf", "CHAT_MODEL")).toEqual({
      provider: "llama-cpp",
      model: "/a/b:c.gguf",
    });
    expect(() => parseModelSpec("gpt-4o", "CHAT_MODEL")).toThrow(/not "provider:model"/);
  });

  it("says which settings to set when no chat model can be built", async () => {
    const cwd = process.cwd();
    process.chdir("/");
    try {
      await expect(createChatModel(settings({}))).rejects.toThrow(/No chat model is configured\. Set CHAT_MODEL/);
    } finally {
      process.chdir(cwd);
    }
  });

  it.each([
    [{ CHAT_MODEL: "openai:gpt-4o-mini" }, /needs OPENAI_API_KEY/],
    [{ CHAT_MODEL: "llama-cpp:/nowhere/model.gguf" }, /no model file at \/nowhere\/model.gguf.*models:fetch/],
    [{ CHAT_MODEL: "bard:x" }, /unknown provider "bard"/],
  ])("rejects %o with a message naming the fix", async (env, pattern) => {
    const error = await createChatModel(settings(env)).catch((e) => e);
    expect(error).toBeInstanceOf(ModelConfigError);
    expect(error.message).toMatch(pattern);
  });

  it("builds an OpenAI-compatible model for a local base URL without a key", async () => {
    const model = await createChatModel(
      settings({
        CHAT_MODEL: "openai:qwen2.5",
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        MODEL_TIMEOUT_S: "7",
        MODEL_MAX_RETRIES: "1",
      }),
    );
    expect(model).toBeInstanceOf(ChatOpenAI);
    const openai = model as ChatOpenAI;
    expect(openai.model).toBe("qwen2.5");
    expect(openai.timeout).toBe(7000);
  });

  it("rejects bad settings with the variable's name", () => {
    expect(() => loadSettings({ OPENAI_BASE_URL: "not a url" })).toThrow(/OPENAI_BASE_URL must be a URL/);
    expect(() => loadSettings({ MEMORY_TOP_K: "0" })).toThrow(/MEMORY_TOP_K must be greater than 0/);
  });

  it("rejects unknown embedders", async () => {
    await expect(createEmbeddings(settings({ EMBEDDING_MODEL: "local:bert" }))).rejects.toThrow(
      /local embedders are local:use-lite and local:multilingual-e5-small/,
    );
    await expect(createEmbeddings(settings({ EMBEDDING_MODEL: "openai:text-embedding-3-small" }))).rejects.toThrow(
      /needs OPENAI_API_KEY/,
    );
  });

  it("turns LangChain messages into a llama.cpp chat with the last user turn as the prompt", () => {
    const { history, prompt } = toLlamaChat([
      new SystemMessage("sys"),
      new HumanMessage("hi"),
      new AIMessage("hello"),
      new HumanMessage("how are you?"),
    ]);
    expect(history).toEqual([
      { type: "system", text: "sys" },
      { type: "user", text: "hi" },
      { type: "model", response: ["hello"] },
    ]);
    expect(prompt).toBe("how are you?");
  });
});
