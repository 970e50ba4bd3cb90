import type { Settings } from "../config/settings.js";
import { ModelConfigError } from "./spec.js";

/**
 * How a model is asked for structured output: `json_schema` (the server holds the answer to the
 * schema), `json_object` (the server guarantees JSON; the memory prompts describe its shape), or
 * `prompt` (plain text, parsed and validated). A server that refuses a mode is asked with the
 * next one from then on (openai-chat.ts).
 */
export type StructuredOutputMode = "json_schema" | "json_object" | "prompt";

/**
 * A hosted provider reached through the OpenAI-compatible endpoint it documents. Why these go
 * through ChatOpenAI / OpenAIEmbeddings and not @langchain/community's classes: docs/providers.md.
 */
export interface HostedProvider {
  /** The provider part of "provider:model". */
  id: string;
  name: string;
  /** Variables holding the API key, in order; the first is the one the provider's docs name. */
  keyVariables: readonly (keyof Settings)[];
  /** The variable that replaces the default endpoint (another region, a gateway, a test server). */
  baseUrlVariable: keyof Settings;
  defaultBaseUrl: string;
  structuredOutput: StructuredOutputMode;
  /** Its embeddings API; absent when the provider has none. */
  embeddings?: {
    /** Texts per request the provider accepts. */
    batchSize: number;
    exampleModel: string;
  };
}

export const HOSTED_PROVIDERS: readonly HostedProvider[] = [
  {
    id: "qwen",
    name: "Qwen (Alibaba Cloud Model Studio, DashScope)",
    keyVariables: ["DASHSCOPE_API_KEY"],
    baseUrlVariable: "DASHSCOPE_BASE_URL",
    // The Beijing region; Singapore is https://dashscope-intl.aliyuncs.com/compatible-mode/v1.
    defaultBaseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1",
    // json_schema is documented for part of the qwen-plus family; other models refuse it and
    // get json_object, which every current Qwen text model takes.
    structuredOutput: "json_schema",
    // text-embedding-v3 and v4 take at most 10 texts a request.
    embeddings: { batchSize: 10, exampleModel: "qwen:text-embedding-v3" },
  },
  {
    id: "zhipu",
    name: "Zhipu GLM (BigModel)",
    // ZAI_API_KEY is the name in BigModel's current docs;
    // ZHIPUAI_API_KEY the older SDK's (and LangChain's ChatZhipuAI's).
    keyVariables: ["ZAI_API_KEY", "ZHIPUAI_API_KEY"],
    baseUrlVariable: "ZAI_BASE_URL",
    defaultBaseUrl: "https://open.bigmodel.cn/api/paas/v4",
    structuredOutput: "json_object",
    embeddings: { batchSize: 64, exampleModel: "zhipu:embedding-3" },
  },
  {
    id: "deepseek",
    name: "DeepSeek",
    keyVariables: ["DEEPSEEK_API_KEY"],
    baseUrlVariable: "DEEPSEEK_BASE_URL",
    defaultBaseUrl: "https://api.deepseek.com",
    // DeepSeek documents JSON Output (json_object) only.
    structuredOutput: "json_object",
  },
  {
    id: "moonshot",
    name: "Moonshot AI (Kimi)",
    keyVariables: ["MOONSHOT_API_KEY"],
    baseUrlVariable: "MOONSHOT_BASE_URL",
    // The China platform; the international one is https://api.moonshot.ai/v1.
    defaultBaseUrl: "https://api.moonshot.cn/v1",
    structuredOutput: "json_object",
  },
  {
    id: "qianfan",
    name: "Baidu Qianfan (ERNIE)",
    keyVariables: ["QIANFAN_API_KEY"],
    baseUrlVariable: "QIANFAN_BASE_URL",
    defaultBaseUrl: "https://qianfan.baidubce.com/v2",
    structuredOutput: "json_object",
    // embedding-v1 and bge-large-zh take at most 16 texts a request.
    embeddings: { batchSize: 16, exampleModel: "qianfan:embedding-v1" },
  },
];

export function hostedProvider(id: string): HostedProvider | undefined {
  return HOSTED_PROVIDERS.find((p) => p.id === id);
}

interface ProviderEndpoint {
  apiKey: string;
  baseUrl: string;
}

/**
 * The key and endpoint of a hosted provider from the settings; `setting` names the variable
 * that chose the model (CHAT_MODEL, MEMORY_MODEL, EMBEDDING_MODEL), for the error message.
 */
export function providerEndpoint(
  provider: HostedProvider,
  settings: Settings,
  setting: string,
  spec: string,
): ProviderEndpoint {
  const apiKey = provider.keyVariables
    .map((name) => settings[name])
    .find((value) => typeof value === "string" && value !== "");
  if (typeof apiKey !== "string") {
    const also = provider.keyVariables.length > 1 ? ` (or ${provider.keyVariables.slice(1).join(", ")})` : "";
    throw new ModelConfigError(
      `${setting}=${spec} needs ${provider.keyVariables[0]}${also}: set it to your ${provider.name} API key` +
        ` (${provider.baseUrlVariable} changes the endpoint, default ${provider.defaultBaseUrl})`,
    );
  }
  const baseUrl = settings[provider.baseUrlVariable];
  return { apiKey, baseUrl: typeof baseUrl === "string" ? baseUrl : provider.defaultBaseUrl };
}

/** "qwen, zhipu, deepseek, moonshot, qianfan", for messages that list the providers. */
export const HOSTED_PROVIDER_IDS = HOSTED_PROVIDERS.map((p) => p.id).join(", ");
