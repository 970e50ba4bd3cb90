import { loadSettings } from "../../src/config/settings.js";
import { createEmbeddings, type EmbedderInfo } from "../../src/models/embeddings.js";

export type BenchEmbedder = EmbedderInfo;

/** The configured embedder (EMBEDDING_MODEL; offline USE-lite by default), built where the product builds it. */
export function createBenchEmbedder(): Promise<BenchEmbedder> {
  return createEmbeddings(loadSettings());
}
