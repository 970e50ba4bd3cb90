import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { NO_CHAT_MODEL_HELP, type Settings } from "../config/settings.js";
import type { ExtractionStyle } from "../memory/extract.js";
import { LlamaCppChatModel } from "./llama-cpp.js";
import { OpenAICompatibleChat } from "./openai-chat.js";
import { HOSTED_PROVIDER_IDS, hostedProvider, providerEndpoint } from "./providers.js";
import { ModelConfigError, parseModelSpec } from "./spec.js";

export { ModelConfigError, parseModelSpec };

/** The local models `npm run models:fetch` downloads (see README, "Local models"). */
export const LOCAL_MODELS = {
  /** SmolLM2 135M Instruct: instruction-tuned, so it can hold a (weak) conversation. */
  answer: "models/SmolLM2-135M-Instruct.Q4_1.gguf",
  /** Gemma 3 270M (base): picks a turn's facts best of the two (BENCHMARKS.md, "Local models"). */
  memory: "models/gemma-3-270m-q4_k_m.gguf",
};

export type ModelRole = "answer" | "memory";

/** The local model for a role: its own file, or the other one when only that one was fetched. */
function localModel(role: ModelRole): string | null {
  const other = role === "answer" ? LOCAL_MODELS.memory : LOCAL_MODELS.answer;
  const file = [LOCAL_MODELS[role], other].find((f) => existsSync(f));
  return file ? `llama-cpp:${file}` : null;
}

/** CHAT_MODEL, or a downloaded local model, or null when neither exists. */
export function chatModelSpec(settings: Settings): string | null {
  return settings.CHAT_MODEL ?? localModel("answer");
}

/** MEMORY_MODEL, else CHAT_MODEL, else the local memory model: who extracts and reconciles facts. */
export function memoryModelSpec(settings: Settings): string | null {
  return settings.MEMORY_MODEL ?? settings.CHAT_MODEL ?? localModel("memory");
}

/** The model spec of a role, from the settings. */
export function modelSpecFor(settings: Settings, role: ModelRole): string | null {
  return role === "answer" ? chatModelSpec(settings) : memoryModelSpec(settings);
}

/** The extraction style the settings ask for; `auto` picks quotes for a local model (see extract.ts). */
export function extractionStyle(settings: Settings): ExtractionStyle {
  if (settings.MEMORY_EXTRACTION !== "auto") return settings.MEMORY_EXTRACTION;
  return memoryModelSpec(settings)?.startsWith("llama-cpp:") ? "quotes" : "facts";
}

/**
 * Builds the chat model the settings name for a role (answers by default); the one place chat
 * models are made.
 */
export async function createChatModel(
  settings: Settings,
  options: { onProgress?: (message: string) => void; role?: ModelRole } = {},
): Promise<BaseChatModel> {
  const specText = modelSpecFor(settings, options.role ?? "answer");
  if (!specText) throw new ModelConfigError(NO_CHAT_MODEL_HELP);
  const setting = options.role === "memory" && settings.MEMORY_MODEL ? "MEMORY_MODEL" : "CHAT_MODEL";
  const spec = parseModelSpec(specText, setting);
  const hosted = hostedProvider(spec.provider);
  if (hosted) {
    const endpoint = providerEndpoint(hosted, settings, setting, specText);
    return new OpenAICompatibleChat({
      model: spec.model,
      apiKey: endpoint.apiKey,
      configuration: { baseURL: endpoint.baseUrl },
      timeout: settings.MODEL_TIMEOUT_S * 1000,
      maxRetries: settings.MODEL_MAX_RETRIES,
      structuredOutput: hosted.structuredOutput,
    });
  }
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
        throw new ModelConfigError(
          `CHAT_MODEL=${specText}: no model file at ${path}. Run npm run models:fetch, or point it at a .gguf file`,
        );
      }
      return LlamaCppChatModel.load(path, {
        onProgress: options.onProgress,
        maxTokens: settings.LOCAL_ANSWER_MAX_TOKENS,
        answerDeadlineMs: settings.LOCAL_ANSWER_DEADLINE_S * 1000,
      });
    }
    default:
      throw new ModelConfigError(
        `${setting}=${specText}: unknown provider "${spec.provider}"; use openai:<model>, llama-cpp:<path.gguf>, or one of ${HOSTED_PROVIDER_IDS} (docs/providers.md)`,
      );
  }
}
