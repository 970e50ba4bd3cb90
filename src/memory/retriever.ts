import type { CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import type { SearchOptions } from "./api.js";
import type { MemoryEngine } from "./engine.js";
import type { ScoredMemory } from "./types.js";
import { validateUserId } from "./validation.js";

interface MemoryRetrieverOptions extends BaseRetrieverInput, Omit<SearchOptions, "userId" | "limit"> {
  /** The engine to search (`await runtime.memory()`); any store behind it. */
  engine: Pick<MemoryEngine, "search">;
  /** The one user whose memories this retriever returns; fixed for its lifetime. */
  userId: string;
  /** Documents per query (default 8). */
  k?: number;
}

/**
 * One user's long-term memories as a LangChain retriever, for RAG chains built outside this
 * graph: each query runs the engine's own search (dense + BM25 with per-query fusion weights,
 * recency, validity in time, time phrases), so a chain sees what the graph's `retrieveMemories`
 * sees, on SQLite and Qdrant alike. The user is fixed when the retriever is made and every search
 * is scoped to it by the engine, which also refuses a filter naming another user.
 */
class MemoryRetriever extends BaseRetriever {
  lc_namespace = ["memory_chat", "retrievers"];

  private readonly engine: MemoryRetrieverOptions["engine"];
  private readonly search: SearchOptions;

  constructor(options: MemoryRetrieverOptions) {
    const { engine, userId, k, filter, asOf, includeHistory, timeAware, now, ...base } = options;
    super(base);
    this.engine = engine;
    this.search = { userId: validateUserId(userId), limit: k, filter, asOf, includeHistory, timeAware, now };
  }

  async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document[]> {
    const hits = await this.engine.search(query, this.search);
    return hits.map(memoryDocument);
  }
}

export function memoryRetriever(options: MemoryRetrieverOptions): MemoryRetriever {
  return new MemoryRetriever(options);
}

/** A hit as a Document: the fact is the content; what explains its rank goes in the metadata. */
function memoryDocument(hit: ScoredMemory): Document {
  const m = hit.memory;
  return new Document({
    id: m.id,
    pageContent: m.text,
    metadata: {
      id: m.id,
      userId: m.userId,
      category: m.category,
      about: m.about,
      createdAt: m.createdAt,
      eventTime: m.eventTime,
      validFrom: m.validFrom,
      validTo: m.validTo,
      threadId: m.threadId,
      score: hit.score,
      denseRank: hit.denseRank,
      lexicalRank: hit.lexicalRank,
      metadata: m.metadata,
    },
  });
}
