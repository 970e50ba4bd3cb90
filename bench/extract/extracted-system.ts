import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { estimateTokens } from "../../src/graph/tokens.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import type { ExtractionStyle } from "../../src/memory/extract.js";
import { MalformedOutputError } from "../../src/memory/structured.js";
import type { MemoryChange } from "../../src/memory/types.js";
import type { BenchStore } from "../lib/stores.js";
import { splitSourceIds, type SessionDocs } from "../locomo/documents.js";
import type { RetrievalSystem, RetrievedDoc, SearchContext } from "../locomo/systems/types.js";

export interface ExtractionStats {
  turns: number;
  /** Turns whose update was stored; the rest ended with the model's output rejected. */
  validTurns: number;
  factsStored: number;
  secondsPerTurn: number[];
  /** Tokens of the memories stored, per conversation (user). */
  tokensStored: Record<string, number>;
}

/**
 * The Mem0 job end to end: every turn goes through the engine's `infer: true` path (the chat model
 * extracts and reconciles facts), the turn's dia_id as the source of what it stores; questions go
 * through `engine.search` as in the other systems.
 */
export class ExtractedSystem implements RetrievalSystem {
  readonly name = "extracted";
  readonly description: string;
  readonly stats: ExtractionStats = { turns: 0, validTurns: 0, factsStored: 0, secondsPerTurn: [], tokensStored: {} };
  private readonly engine: MemoryEngine;

  constructor(
    private readonly options: {
      store: BenchStore;
      embeddings: EmbeddingsInterface;
      dims: number;
      halfLifeDays: number;
      chatModel: BaseChatModel;
      modelName: string;
      style: ExtractionStyle;
      log?: (line: string) => void;
    },
  ) {
    this.engine = new MemoryEngine({
      store: options.store.store,
      embeddings: options.embeddings,
      dims: options.dims,
      halfLifeDays: options.halfLifeDays,
      chatModel: options.chatModel,
      extractionStyle: options.style,
    });
    this.description = `MemoryEngine add(infer: true) per turn with ${options.modelName} (${options.style} extraction), ${options.store.store.name} store`;
  }

  async ingestSession(userId: string, session: SessionDocs): Promise<void> {
    for (const doc of session.docs) {
      const t0 = performance.now();
      let changes: MemoryChange[] = [];
      try {
        changes = (
          await this.engine.add([{ role: "user", content: doc.text }], {
            userId,
            sourceId: doc.sourceIds[0],
            time: session.time,
          })
        ).changes;
        this.stats.validTurns++;
      } catch (error) {
        // The product's queue would retry and then hold such an update as dead; here it is counted.
        if (!(error instanceof MalformedOutputError)) throw error;
      }
      this.stats.secondsPerTurn.push((performance.now() - t0) / 1000);
      this.stats.turns++;
      const added = changes.filter((c) => c.operation !== "DELETE");
      this.stats.factsStored += added.length;
      if (this.stats.turns % 10 === 0)
        this.options.log?.(`  extracted ${this.stats.turns} turns, ${this.stats.factsStored} facts stored`);
    }
    const memories = await this.engine.list({ userId });
    this.stats.tokensStored[userId] = memories.reduce((sum, m) => sum + estimateTokens(m.text), 0);
  }

  async search(userId: string, question: string, k: number, context: SearchContext): Promise<RetrievedDoc[]> {
    const hits = await this.engine.search(question, { userId, limit: k, now: context.now });
    return hits.map((h) => ({ sourceIds: splitSourceIds(h.memory.sourceId), text: h.memory.text }));
  }

  async close(): Promise<void> {
    await this.options.store.dispose();
  }
}
