/** Conversions between domain objects and rows of the embedded memory store. */
import { tokenize } from "../../search/tokenize.js";
import type { HistoryEntry, MemoryCategory, MemoryOperation, MemoryRecord } from "../../memory/types.js";

export const MEMORY_COLUMNS =
  "seq, user_id, id, text, category, about, created_at, updated_at, event_time, valid_from, valid_to, " +
  "superseded_by, thread_id, source_id, hash, metadata, index_text, expires_at, weight, use_count, last_used_at";

export interface MemoryRow {
  seq: number;
  user_id: string;
  id: string;
  text: string;
  category: string;
  about: string;
  created_at: string;
  updated_at: string;
  event_time: string | null;
  valid_from: string;
  valid_to: string | null;
  superseded_by: string | null;
  thread_id: string | null;
  source_id: string | null;
  hash: string;
  metadata: string;
  index_text: string;
  expires_at: string | null;
  weight: number;
  use_count: number;
  last_used_at: string | null;
}

/** A row as the snapshot reads it: the embedding, and the lexical tokens (search/tokenize.ts, space-separated). */
export type MemoryRowWithEmbedding = MemoryRow & { embedding: Buffer; tokens: string };

export function recordToRow(r: MemoryRecord, embedding: Float32Array): Omit<MemoryRowWithEmbedding, "seq"> {
  return {
    user_id: r.userId,
    id: r.id,
    text: r.text,
    category: r.category,
    about: r.about,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    event_time: r.eventTime,
    valid_from: r.validFrom,
    valid_to: r.validTo,
    superseded_by: r.supersededBy,
    thread_id: r.threadId,
    source_id: r.sourceId,
    hash: r.hash,
    metadata: JSON.stringify(r.metadata),
    index_text: r.indexText,
    expires_at: r.expiresAt,
    weight: r.weight,
    use_count: r.useCount,
    last_used_at: r.lastUsedAt,
    embedding: Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength),
    tokens: tokenize(r.indexText).join(" "),
  };
}

export function rowToRecord(row: MemoryRow): MemoryRecord {
  return {
    id: row.id,
    userId: row.user_id,
    text: row.text,
    category: row.category as MemoryCategory,
    about: row.about,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    eventTime: row.event_time,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    supersededBy: row.superseded_by,
    threadId: row.thread_id,
    sourceId: row.source_id,
    hash: row.hash,
    metadata: JSON.parse(row.metadata),
    indexText: row.index_text,
    expiresAt: row.expires_at,
    weight: row.weight,
    useCount: row.use_count,
    lastUsedAt: row.last_used_at,
  };
}

export interface HistoryRow {
  id: string;
  memory_id: string;
  user_id: string;
  operation: string;
  old_text: string | null;
  new_text: string | null;
  at: string;
  thread_id: string | null;
  source_id: string | null;
  reason: string | null;
}

export function historyToRow(e: HistoryEntry): HistoryRow {
  return {
    id: e.id,
    memory_id: e.memoryId,
    user_id: e.userId,
    operation: e.operation,
    old_text: e.oldText,
    new_text: e.newText,
    at: e.at,
    thread_id: e.threadId,
    source_id: e.sourceId,
    reason: e.reason ?? null,
  };
}

export function rowToHistory(row: HistoryRow): HistoryEntry {
  return {
    id: row.id,
    memoryId: row.memory_id,
    userId: row.user_id,
    operation: row.operation as MemoryOperation,
    oldText: row.old_text,
    newText: row.new_text,
    at: row.at,
    threadId: row.thread_id,
    sourceId: row.source_id,
    ...(row.reason ? { reason: row.reason } : {}),
  };
}
