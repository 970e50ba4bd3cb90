import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { OpenAIEmbeddings } from "@langchain/openai";
import type { Settings } from "../config/settings.js";
import { E5_MODEL, e5Python, startE5Server } from "./e5-server.js";
import { HOSTED_PROVIDERS, HOSTED_PROVIDER_IDS, hostedProvider, providerEndpoint } from "./providers.js";
import { ModelConfigError, parseModelSpec } from "./spec.js";
import { USE_LITE_DIMS, UseLiteEmbeddings } from "./use-lite.js";

export interface EmbedderInfo {
  embeddings: EmbeddingsInterface;
  dims: number;
  /** Stable name of the embedder, e.g. "local:use-lite". */
  id: string;
  /** Share (0-1) of a text the embedder can read; absent when it reads every language it is given. */
  coverage?: (text: string) => Promise<number>;
  /** Stops what the embedder started (the local e5 server); absent when there is nothing to stop. */
  close?: () => Promise<void>;
}

export const LOCAL_EMBEDDERS = ["local:use-lite", `local:${E5_MODEL}`];

/** The embeddings named by EMBEDDING_MODEL; the default runs offline. */
export async function createEmbeddings(settings: Settings): Promise<EmbedderInfo> {
  const spec = parseModelSpec(settings.EMBEDDING_MODEL, "EMBEDDING_MODEL");
  const id = `${spec.provider}:${spec.model}`;
  const hosted = hostedProvider(spec.provider);
  if (hosted) {
    if (!hosted.embeddings) {
      const offered = HOSTED_PROVIDERS.flatMap((p) => (p.embeddings ? [p.embeddings.exampleModel] : [])).join(", ");
      throw new ModelConfigError(
        `EMBEDDING_MODEL=${id}: ${hosted.name} offers no embeddings API; choose e.g. ${offered}, or local:${E5_MODEL}`,
      );
    }
    const endpoint = providerEndpoint(hosted, settings, "EMBEDDING_MODEL", id);
    // Float arrays: the OpenAI client asks for base64 by default, which these endpoints refuse.
    return openAiEmbeddings(settings, id, spec.model, endpoint.baseUrl, endpoint.apiKey, {
      batchSize: hosted.embeddings.batchSize,
      encodingFormat: "float",
    });
  }
  switch (spec.provider) {
    case "local": {
      if (spec.model === "use-lite") {
        const embeddings = new UseLiteEmbeddings();
        return { embeddings, dims: USE_LITE_DIMS, id, coverage: (text) => embeddings.coverage(text) };
      }
      if (spec.model === E5_MODEL) {
        const server = await startE5Server(e5Python(settings.E5_PYTHON));
        try {
          const info = await openAiEmbeddings(settings, id, E5_MODEL, server.baseUrl, "not-needed");
          return { ...info, close: server.stop };
        } catch (error) {
          await server.stop();
          throw error;
        }
      }
      throw new ModelConfigError(`EMBEDDING_MODEL=${id}: the local embedders are ${LOCAL_EMBEDDERS.join(" and ")}`);
    }
    case "openai": {
      const baseUrl = settings.EMBEDDING_BASE_URL ?? settings.OPENAI_BASE_URL;
      const apiKey = settings.EMBEDDING_API_KEY ?? settings.OPENAI_API_KEY;
      if (!apiKey && !baseUrl) {
        throw new ModelConfigError(
          `EMBEDDING_MODEL=${id} needs OPENAI_API_KEY (or EMBEDDING_API_KEY), or EMBEDDING_BASE_URL for a local OpenAI-compatible server`,
        );
      }
      return openAiEmbeddings(settings, id, spec.model, baseUrl, apiKey ?? "not-needed");
    }
    default:
      throw new ModelConfigError(
        `EMBEDDING_MODEL=${id}: unknown provider "${spec.provider}"; use ${LOCAL_EMBEDDERS.join(", ")}, openai:<model>, or one of ${HOSTED_PROVIDER_IDS} (docs/providers.md)`,
      );
  }
}

async function openAiEmbeddings(
  settings: Settings,
  id: string,
  model: string,
  baseUrl: string | undefined,
  apiKey: string,
  wire: { batchSize?: number; encodingFormat?: "float" } = {},
): Promise<EmbedderInfo> {
  const embeddings = new OpenAIEmbeddings({
    model,
    ...wire,
    apiKey,
    configuration: baseUrl ? { baseURL: baseUrl } : undefined,
    timeout: settings.MODEL_TIMEOUT_S * 1000,
    maxRetries: settings.MODEL_MAX_RETRIES,
  });
  // The size is whatever the server returns; one probe at start-up finds it.
  const [probe] = await embeddings.embedDocuments(["dimension probe"]).catch((e: Error) => {
    throw new ModelConfigError(
      `EMBEDDING_MODEL=${id}: the embeddings endpoint${baseUrl ? ` at ${baseUrl}` : ""} did not answer (${e.message})`,
    );
  });
  return { embeddings, dims: probe.length, id };
}
