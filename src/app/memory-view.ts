import type { FusionWeights } from "../search/fusion.js";
import type { HistoryEntry, MemoryRecord, ScoreExplanation, ScoredMemory } from "../memory/types.js";

/** A memory as callers see it: the record without the fields only the engine uses. */
export type MemoryView = Omit<MemoryRecord, "hash" | "indexText">;

export function memoryView(record: MemoryRecord): MemoryView {
  const { hash: _hash, indexText: _indexText, ...view } = record;
  return view;
}

export interface SearchResultView {
  memory: MemoryView;
  score: number;
  denseRank?: number;
  lexicalRank?: number;
  /** The weight each retriever had in the search's fusion (search/fusion.ts). */
  fusion?: FusionWeights;
  /** The factors of the score, when the search asked for them (`explain`). */
  explain?: ScoreExplanation;
}

export function searchResultView(hit: ScoredMemory): SearchResultView {
  return {
    memory: memoryView(hit.memory),
    score: hit.score,
    denseRank: hit.denseRank,
    lexicalRank: hit.lexicalRank,
    fusion: hit.fusion,
    explain: hit.explain,
  };
}

/** History in the order things happened (an import appends older lines after newer ones). */
export function chronological(entries: HistoryEntry[]): HistoryEntry[] {
  return entries
    .map((entry, order) => ({ entry, order }))
    .sort((a, b) => a.entry.at.localeCompare(b.entry.at) || a.order - b.order)
    .map(({ entry }) => entry);
}
