import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { dot, normalize } from "../../../src/search/vector.js";
import type { RetrievalDoc, SessionDocs } from "../documents.js";
import type { RetrievalSystem, RetrievedDoc } from "./types.js";

/** Cosine similarity alone over the document texts' embeddings (exact scan). */
export class DenseSystem implements RetrievalSystem {
  readonly name = "dense";
  readonly description = "cosine similarity over the same texts' embeddings, exact scan";
  private readonly users = new Map<string, { vectors: Float32Array[]; docs: RetrievalDoc[] }>();

  constructor(private readonly embeddings: EmbeddingsInterface) {}

  async ingestSession(userId: string, session: SessionDocs): Promise<void> {
    let user = this.users.get(userId);
    if (!user) this.users.set(userId, (user = { vectors: [], docs: [] }));
    const vectors = await this.embeddings.embedDocuments(session.docs.map((d) => d.text));
    session.docs.forEach((doc, i) => {
      user.vectors.push(normalize(vectors[i]));
      user.docs.push(doc);
    });
  }

  async search(userId: string, question: string, k: number): Promise<RetrievedDoc[]> {
    const user = this.users.get(userId);
    if (!user) return [];
    const [raw] = await this.embeddings.embedDocuments([question]);
    const q = normalize(raw);
    return user.vectors
      .map((v, i) => ({ i, score: dot(q, v) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map(({ i }) => user.docs[i]);
  }

  async close(): Promise<void> {
    this.users.clear();
  }
}
