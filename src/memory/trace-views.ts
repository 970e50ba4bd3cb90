/**
 * What the engine's traced steps show in a LangSmith trace (src/tracing/traced.ts): ids, texts,
 * ranks and weights, never vectors or whole records.
 */
import type { AddResult } from "./api.js";
import type { ScoredMemory } from "./types.js";

export function searchTrace(hits: ScoredMemory[]): Record<string, unknown> {
  return {
    // The same on every hit of a search (search/fusion.ts).
    fusion: hits[0]?.fusion ?? null,
    hits: hits.map((h) => ({
      id: h.memory.id,
      text: h.memory.text,
      score: h.score,
      denseRank: h.denseRank ?? null,
      lexicalRank: h.lexicalRank ?? null,
    })),
  };
}

export function addTrace(result: AddResult): Record<string, unknown> {
  return { changes: result.changes };
}
