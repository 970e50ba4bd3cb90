import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { OpenAIEmbeddings } from "@langchain/openai";
import type { Settings } from "../config/settings.js";
import { ModelConfigError, parseModelSpec } from "./spec.js";
import { USE_LITE_DIMS, UseLiteEmbeddings } from "./use-lite.js";

export interface EmbedderInfo {
  embeddings: EmbeddingsInterface;
  dims: number;
  /** Stable name of the embedder, e.g. "local:use-lite". */
  id: string;
  /** Share (0-1) of a text the embedder can read; absent when it reads every language it is given. */
  coverage?: (text: string) => Promise<number>;
}

/** The embeddings named by EMBEDDING_MODEL; the default runs offline. */
export async function createEmbeddings(settings: Settings): Promise<EmbedderInfo> {
  const spec = parseModelSpec(settings.EMBEDDING_MODEL, "EMBEDDING_MODEL");
  const id = `${spec.provider}:${spec.model}`;
  switch (spec.provider) {
    case "local": {
      if (spec.model !== "use-lite") {
        throw new ModelConfigError(`EMBEDDING_MODEL=${id}: the only local embedder is local:use-lite`);
      }
      const embeddings = new UseLiteEmbeddings();
      return { embeddings, dims: USE_LITE_DIMS, id, coverage: (text) => embeddings.coverage(text) };
    }
    case "openai": {
      if (!settings.OPENAI_API_KEY && !settings.OPENAI_BASE_URL) {
        throw new ModelConfigError(`EMBEDDING_MODEL=${id} needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server`);
      }
      const embeddings = new OpenAIEmbeddings({
        model: spec.model,
        apiKey: settings.OPENAI_API_KEY ?? "not-needed",
        configuration: settings.OPENAI_BASE_URL ? { baseURL: settings.OPENAI_BASE_URL } : undefined,
        timeout: settings.MODEL_TIMEOUT_S * 1000,
        maxRetries: settings.MODEL_MAX_RETRIES,
      });
      // The size is whatever the server returns; one probe at start-up finds it.
      const [probe] = await embeddings.embedDocuments(["dimension probe"]).catch((e: Error) => {
        throw new ModelConfigError(`EMBEDDING_MODEL=${id}: the embeddings endpoint did not answer (${e.message})`);
      });
      return { embeddings, dims: probe.length, id };
    }
    default:
      throw new ModelConfigError(`EMBEDDING_MODEL=${id}: unknown provider "${spec.provider}"; use local:use-lite or openai:<model>`);
  }
}
