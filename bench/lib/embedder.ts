import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { loadSettings } from "../../src/config/settings.js";
import { UseLiteEmbeddings } from "./use-lite.js";

export interface BenchEmbedder {
  embeddings: EmbeddingsInterface;
  dims: number;
  id: string;
}

/**
 * The configured embedder (EMBEDDING_MODEL), built by the product's model factory.
 * TEMPORARY: until src/models/embeddings.ts lands, falls back to a local USE-lite wrapper.
 */
export async function createBenchEmbedder(): Promise<BenchEmbedder> {
  const settings = loadSettings();
  const factory = "../../src/models/embeddings.js";
  try {
    const { createEmbeddings } = (await import(factory)) as {
      createEmbeddings: (s: typeof settings) => Promise<BenchEmbedder>;
    };
    return await createEmbeddings(settings);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    return { embeddings: new UseLiteEmbeddings(), dims: 512, id: "local:use-lite" };
  }
}
