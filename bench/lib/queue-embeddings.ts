import { Embeddings } from "@langchain/core/embeddings";

/**
 * Hands out vectors queued in advance, in order: lets a benchmark drive the engine with no model
 * call, so the embedding cost is excluded by construction.
 */
export class QueuedEmbeddings extends Embeddings {
  private queue: number[][] = [];

  constructor() {
    super({});
  }

  push(vectors: number[][]): void {
    this.queue.push(...vectors);
  }

  get pending(): number {
    return this.queue.length;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    if (this.queue.length < texts.length) {
      throw new Error(
        `QueuedEmbeddings: ${texts.length} vectors asked for, ${this.queue.length} queued; push them before the call`,
      );
    }
    return this.queue.splice(0, texts.length);
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0];
  }
}
