import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { NO_CHAT_MODEL_HELP, type Settings } from "../config/settings.js";
import type { ExtractionStyle } from "../memory/extract.js";
import { LlamaCppChatModel } from "./llama-cpp.js";
import { OpenAICompatibleChat } from "./openai-chat.js";
import { ModelConfigError, parseModelSpec } from "./spec.js";

export { ModelConfigError, parseModelSpec };

/**
 * The local models `npm run models:fetch` downloads, the default first: Gemma 3 270M picks a
 * turn's facts best of the two (BENCHMARKS.md, "Local models"); SmolLM2 135M is smaller.
 */
export const LOCAL_MODEL_FILES = ["models/gemma-3-270m-q4_k_m.gguf", "models/SmolLM2-135M-Instruct.Q4_1.gguf"];

/** The local model used when CHAT_MODEL is not set: the first of LOCAL_MODEL_FILES present. */
export function localModelFile(): string | undefined {
  return LOCAL_MODEL_FILES.find((file) => existsSync(file));
}

/** CHAT_MODEL, or a downloaded local model, or null when neither exists. */
export function chatModelSpec(settings: Settings): string | null {
  if (settings.CHAT_MODEL) return settings.CHAT_MODEL;
  const local = localModelFile();
  return local ? `llama-cpp:${local}` : null;
}

/** The extraction style the settings ask for; `auto` picks quotes for a local model (see extract.ts). */
export function extractionStyle(settings: Settings): ExtractionStyle {
  if (settings.MEMORY_EXTRACTION !== "auto") return settings.MEMORY_EXTRACTION;
  return chatModelSpec(settings)?.startsWith("llama-cpp:") ? "quotes" : "facts";
}

/** Builds the chat model named by the settings; the one place chat models are made. */
export async function createChatModel(
  settings: Settings,
  options: { onProgress?: (message: string) => void } = {},
): Promise<BaseChatModel> {
  const specText = chatModelSpec(settings);
  if (!specText) throw new ModelConfigError(NO_CHAT_MODEL_HELP);
  const spec = parseModelSpec(specText, "CHAT_MODEL");
  switch (spec.provider) {
    case "openai": {
      if (!settings.OPENAI_API_KEY && !settings.OPENAI_BASE_URL) {
        throw new ModelConfigError(
          `CHAT_MODEL=${specText} needs OPENAI_API_KEY=sk-..., or OPENAI_BASE_URL=http://127.0.0.1:8080/v1 for a local OpenAI-compatible server`,
        );
      }
      return new OpenAICompatibleChat({
        model: spec.model,
        // Local OpenAI-compatible servers need no key, but the client insists on one.
        apiKey: settings.OPENAI_API_KEY ?? "not-needed",
        configuration: settings.OPENAI_BASE_URL ? { baseURL: settings.OPENAI_BASE_URL } : undefined,
        timeout: settings.MODEL_TIMEOUT_S * 1000,
        maxRetries: settings.MODEL_MAX_RETRIES,
        // No `streaming: true`: a streamed graph run streams tokens through its callbacks anyway,
        // and plain invokes with it hung against an OpenAI-compatible test endpoint.
      });
    }
    case "llama-cpp": {
      const path = resolve(spec.model);
      if (!existsSync(path)) {
        throw new ModelConfigError(`CHAT_MODEL=${specText}: no model file at ${path}. Run npm run models:fetch, or point it at a .gguf file`);
      }
      return LlamaCppChatModel.load(path, { onProgress: options.onProgress });
    }
    default:
      throw new ModelConfigError(`CHAT_MODEL=${specText}: unknown provider "${spec.provider}"; use openai:<model> or llama-cpp:<path.gguf>`);
  }
}
