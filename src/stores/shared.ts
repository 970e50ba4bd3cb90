/**
 * Search and listing rules shared by the in-process backends (in-memory and SQLite), so both give
 * the same candidates, fusion, order and pages for the same data.
 */
import { compileFilter, isValidAt } from "../memory/filter.js";
import { fusionWeights, weightedRankFusion, type Candidate } from "../search/fusion.js";
import type { MemoryRecord } from "../memory/types.js";
import { tracedSync } from "../tracing/traced.js";
import type { ListOptions, MemoryMarks, StoreHit } from "../memory/store.js";

/** How many candidates each retriever contributes to the fusion, per result asked for. */
export const CANDIDATES_PER_RESULT = 4;
export const MIN_CANDIDATES = 50;

export function candidateCount(limit: number): number {
  return Math.max(MIN_CANDIDATES, limit * CANDIDATES_PER_RESULT);
}

/**
 * Fuses the two candidate lists (best first) into at most `limit` hits, weighting each side by
 * the evidence it carries for this query (search/fusion.ts): the share of the query's terms the
 * lexical candidates hold (`terms`), as the embedder's coverage is the share it reads; records are copied. Traced as
 * "rank fusion" (both candidate lists, the weights, the fused ranks) when tracing is on.
 */
export function fuseCandidates(
  dense: Candidate[],
  lexical: Candidate[],
  limit: number,
  recordOf: (id: string) => MemoryRecord,
  coverage?: number,
  terms?: string[],
): StoreHit[] {
  const { weights, fused } = tracedSync(
    "rank fusion",
    { dense, lexical, coverage: coverage ?? 1, limit },
    () => {
      const weights = fusionWeights(dense, lexical, coverage, matchedShare(terms, lexical, recordOf));
      return { weights, fused: weightedRankFusion(dense, lexical, weights).slice(0, limit) };
    },
    (result) => ({ weights: result.weights, ranked: result.fused }),
  );
  return fused.map((f) => ({
    record: copyRecord(recordOf(f.id)),
    score: f.score,
    denseRank: f.denseRank,
    lexicalRank: f.lexicalRank,
    fusion: weights,
  }));
}

/**
 * Share of the query's distinct terms that some lexical candidate holds: how much of the query the
 * lexical side read (search/fusion.ts). 1 when there are no terms or no candidates.
 */
export function matchedShare(
  terms: string[] | undefined,
  lexical: Candidate[],
  recordOf: (id: string) => MemoryRecord,
): number {
  const wanted = new Set(terms ?? []);
  if (wanted.size === 0 || lexical.length === 0) return 1;
  // A term is read when a candidate's text holds it: tokens are lower-cased words, stems and
  // bigrams of the text, so a substring test finds every one a candidate was matched by.
  let missing = [...wanted];
  for (const c of lexical) {
    const text = recordOf(c.id).indexText.normalize("NFKC").toLowerCase();
    missing = missing.filter((t) => !text.includes(t));
    if (missing.length === 0) break;
  }
  return 1 - missing.length / wanted.size;
}

/**
 * A record's copy for a caller, so the store's own (a snapshot's, the in-memory map's) stays as
 * stored: every field is a string, number or null except the metadata, cloned when it holds
 * anything (structuredClone of the whole record was a tenth of a 10k search).
 */
export function copyRecord(record: MemoryRecord): MemoryRecord {
  let empty = true;
  for (const _ in record.metadata) {
    empty = false;
    break;
  }
  return { ...record, metadata: empty ? {} : structuredClone(record.metadata) };
}

/**
 * List order: newest `createdAt` first, then id ascending. Plain code-unit comparison (not
 * localeCompare) so that it matches SQL's BINARY collation and any backend can reproduce it.
 */
export function newestFirst(a: MemoryRecord, b: MemoryRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The records a list/count sees: validity defaults to "all". */
export function visibleRecords(records: Iterable<MemoryRecord>, options: ListOptions): MemoryRecord[] {
  const validity = options.validity ?? { kind: "all" };
  const out: MemoryRecord[] = [];
  const matches = compileFilter(options.filter);
  for (const r of records) if (isValidAt(r, validity) && matches(r)) out.push(r);
  return out;
}

/** One page of visible records in list order, copied. */
export function listPage(records: Iterable<MemoryRecord>, options: ListOptions): MemoryRecord[] {
  const offset = options.offset ?? 0;
  const end = options.limit === undefined ? undefined : offset + options.limit;
  return visibleRecords(records, options).sort(newestFirst).slice(offset, end).map(copyRecord);
}

/** The marks actually given: a key present with `undefined` changes nothing. */
export function definedMarks(marks: MemoryMarks): MemoryMarks {
  return Object.fromEntries(Object.entries(marks).filter(([, v]) => v !== undefined));
}
