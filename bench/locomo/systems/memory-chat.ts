import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { MemoryEngine } from "../../../src/memory/engine.js";
import type { BenchStore } from "../../lib/stores.js";
import { joinSourceIds, splitSourceIds, type SessionDocs } from "../documents.js";
import type { RetrievalSystem, RetrievedDoc, SearchContext } from "./types.js";

export interface MemoryChatOptions {
  store: BenchStore;
  embeddings: EmbeddingsInterface;
  dims: number;
  /** As in the product settings (MEMORY_HALF_LIFE_DAYS). */
  halfLifeDays: number;
  /** The embedder's reading of a query (EmbedderInfo.coverage), as the product passes it. */
  queryCoverage?: (text: string) => Promise<number>;
  /** false: without the memory map (no entities, no entity expansion), to measure what it adds. */
  entities?: boolean;
  /** false: a period named in the question is not read (the period boost off), to measure what it does. */
  timeAware?: boolean;
}

/**
 * Our engine, through the same calls the graph makes: `add` with `infer: false` and ready facts
 * (no LLM), and `search` as the retrieveMemories node calls it.
 */
export class MemoryChatSystem implements RetrievalSystem {
  readonly name = "memory-chat";
  readonly description: string;
  private readonly engine: MemoryEngine;

  constructor(private readonly options: MemoryChatOptions) {
    this.engine = new MemoryEngine({
      store: options.store.store,
      embeddings: options.embeddings,
      dims: options.dims,
      halfLifeDays: options.halfLifeDays,
      queryCoverage: options.queryCoverage,
      entities: options.entities === false ? undefined : options.store.entities,
    });
    this.description =
      `MemoryEngine on the ${options.store.store.name} store, recency half-life ${options.halfLifeDays} days, ` +
      (options.entities === false ? "no memory map" : "entities and entity expansion");
  }

  async ingestSession(userId: string, session: SessionDocs): Promise<void> {
    await this.engine.add("", {
      userId,
      infer: false,
      time: session.time,
      facts: session.docs.map((doc) => ({
        text: doc.text,
        sourceId: joinSourceIds(doc.sourceIds),
        eventTime: doc.time,
        context: doc.context,
        metadata: { session: doc.session },
      })),
    });
  }

  async search(userId: string, question: string, k: number, context: SearchContext): Promise<RetrievedDoc[]> {
    const hits = await this.engine.search(question, { userId, limit: k, now: context.now, timeAware: this.options.timeAware });
    return hits.map((h) => ({ sourceIds: splitSourceIds(h.memory.sourceId), text: h.memory.text }));
  }

  /** Entities the memory map holds for a user (the benchmark reports them per conversation). */
  async entityCount(userId: string): Promise<number> {
    return (await this.engine.entities?.store.entities(userId))?.length ?? 0;
  }

  async close(): Promise<void> {
    await this.options.store.dispose();
  }
}
