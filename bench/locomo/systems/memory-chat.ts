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
  /**
   * As a chat: the first `useLimit` results of each search are the memories its answer is given,
   * and are recorded as used (the answer node's `noteUse`), at the question's time.
   */
  useLimit?: number;
}

/**
 * Our engine, through the same calls the graph makes: `add` with `infer: false` and ready facts
 * (no LLM), and `search` as the retrieveMemories node calls it.
 */
export class MemoryChatSystem implements RetrievalSystem {
  readonly name = "memory-chat";
  readonly description: string;
  private readonly engine: MemoryEngine;
  /** The time the engine reads: the session's while ingesting, the question's while searching. */
  private clock = new Date().toISOString();

  constructor(private readonly options: MemoryChatOptions) {
    this.engine = new MemoryEngine({
      store: options.store.store,
      embeddings: options.embeddings,
      dims: options.dims,
      halfLifeDays: options.halfLifeDays,
      queryCoverage: options.queryCoverage,
      entities: options.entities === false ? undefined : options.store.entities,
      now: () => new Date(this.clock),
    });
    this.description =
      `MemoryEngine on the ${options.store.store.name} store, recency half-life ${options.halfLifeDays} days, ` +
      (options.entities === false ? "no memory map" : "entities and entity expansion");
  }

  async ingestSession(userId: string, session: SessionDocs): Promise<void> {
    this.clock = session.time;
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
    this.clock = context.now;
    const hits = await this.engine.search(question, {
      userId,
      limit: k,
      now: context.now,
      timeAware: this.options.timeAware,
    });
    if (this.options.useLimit) {
      this.engine.noteUse(
        hits.slice(0, this.options.useLimit).map((h) => h.memory.id),
        { userId },
      );
      // Recorded in the background, as in the chat; the next question comes after it.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
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
