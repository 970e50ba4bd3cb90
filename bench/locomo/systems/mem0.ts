import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { joinSourceIds, splitSourceIds, type SessionDocs } from "../documents.js";
import type { RetrievalSystem, RetrievedDoc } from "./types.js";

/** Mem0 insists on an LLM even with `infer: false`; this one fails loudly if it is ever called. */
class NeverCalledChatModel extends BaseChatModel {
  _llmType(): string {
    return "never-called";
  }
  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    throw new Error("The benchmark's Mem0 runs with infer: false and must not call an LLM");
  }
}

interface Mem0Memory {
  add(text: string, options: { userId: string; metadata: Record<string, unknown>; infer: boolean }): Promise<unknown>;
  search(
    query: string,
    options: { filters: { user_id: string }; topK: number },
  ): Promise<{ results: { memory: string; metadata?: Record<string, unknown> }[] }>;
}

/**
 * Mem0's open-source TypeScript SDK (`mem0ai/oss` Memory), offline: our embeddings through its
 * LangChain embedder option, its in-process SQLite vector store, no history, no telemetry, and
 * `infer: false` so stored texts are the documents themselves.
 */
export class Mem0System implements RetrievalSystem {
  readonly name = "mem0";
  readonly description =
    'mem0ai/oss Memory: LangChain embedder (same embeddings), vector store "memory" (:memory:), infer: false, default search settings';

  private constructor(
    private readonly memory: Mem0Memory,
    private readonly scratchDir: string,
  ) {}

  /** Throws with the reason when Mem0 cannot run here. */
  static async create(embeddings: EmbeddingsInterface, dims: number): Promise<Mem0System> {
    // Mem0 reads these when its module is first loaded: set them before the dynamic import.
    process.env.MEM0_TELEMETRY = "false";
    const scratchDir = mkdtempSync(join(tmpdir(), "bench-mem0-"));
    process.env.MEM0_DIR = scratchDir;
    const { Memory } = await import("mem0ai/oss");
    const memory = new Memory({
      embedder: { provider: "langchain", config: { model: embeddings, embeddingDims: dims } },
      llm: { provider: "langchain", config: { model: new NeverCalledChatModel({}) } },
      vectorStore: { provider: "memory", config: { collectionName: "locomo", dimension: dims, dbPath: ":memory:" } },
      disableHistory: true,
    }) as unknown as Mem0Memory;
    return new Mem0System(memory, scratchDir);
  }

  async ingestSession(userId: string, session: SessionDocs): Promise<void> {
    for (const doc of session.docs) {
      await this.memory.add(doc.text, { userId, metadata: { dia_id: joinSourceIds(doc.sourceIds) }, infer: false });
    }
  }

  async search(userId: string, question: string, k: number): Promise<RetrievedDoc[]> {
    const { results } = await this.memory.search(question, { filters: { user_id: userId }, topK: k });
    return results.map((r) => ({
      sourceIds: splitSourceIds(r.metadata?.dia_id as string | undefined),
      text: r.memory,
    }));
  }

  async close(): Promise<void> {
    rmSync(this.scratchDir, { recursive: true, force: true });
  }
}
