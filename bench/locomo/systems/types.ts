import type { SessionDocs } from "../documents.js";

/** One search result as scored: the turns it stands for and the text that would go in a prompt. */
export interface RetrievedDoc {
  sourceIds: string[];
  text: string;
}

export interface SearchContext {
  /** When the question is asked (ISO): the end of the conversation. */
  now: string;
}

/**
 * A retrieval system under test. Each conversation is a fresh user; documents arrive one session
 * at a time, as a chat would produce them.
 */
export interface RetrievalSystem {
  readonly name: string;
  /** What it runs on (store, settings), for the report. */
  readonly description: string;
  ingestSession(userId: string, session: SessionDocs): Promise<void>;
  search(userId: string, question: string, k: number, context: SearchContext): Promise<RetrievedDoc[]>;
  close(): Promise<void>;
}
