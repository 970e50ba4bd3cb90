import { Bm25Index } from "../../../src/search/bm25.js";
import { tokenize } from "../../../src/search/tokenize.js";
import type { RetrievalDoc, SessionDocs } from "../documents.js";
import type { RetrievalSystem, RetrievedDoc } from "./types.js";

/** Okapi BM25 alone over the document texts (the engine's own index class and tokenizer). */
export class Bm25System implements RetrievalSystem {
  readonly name = "bm25";
  readonly description = "Okapi BM25 (k1 1.2, b 0.75) over the same texts, engine tokenizer";
  private readonly users = new Map<string, { index: Bm25Index; docs: RetrievalDoc[] }>();

  async ingestSession(userId: string, session: SessionDocs): Promise<void> {
    let user = this.users.get(userId);
    if (!user) this.users.set(userId, (user = { index: new Bm25Index(), docs: [] }));
    for (const doc of session.docs) {
      user.index.set(String(user.docs.length), tokenize(doc.text));
      user.docs.push(doc);
    }
  }

  async search(userId: string, question: string, k: number): Promise<RetrievedDoc[]> {
    const user = this.users.get(userId);
    if (!user) return [];
    return user.index
      .search(tokenize(question))
      .slice(0, k)
      .map(({ id }) => user.docs[Number(id)]);
  }

  async close(): Promise<void> {
    this.users.clear();
  }
}
