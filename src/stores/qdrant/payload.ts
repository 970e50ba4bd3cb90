/**
 * Domain objects as Qdrant payloads and back. Payload keys are the record's own field names, so a
 * filter field maps to a payload key with no table (metadata stays nested under "metadata").
 */
import type { HistoryEntry, JsonValue, MemoryCategory, MemoryOperation, MemoryRecord } from "../../memory/types.js";

export type Payload = Record<string, unknown>;

export function recordToPayload(r: MemoryRecord): Payload {
  return {
    userId: r.userId,
    id: r.id,
    text: r.text,
    category: r.category,
    about: r.about,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    eventTime: r.eventTime,
    validFrom: r.validFrom,
    validTo: r.validTo,
    supersededBy: r.supersededBy,
    threadId: r.threadId,
    sourceId: r.sourceId,
    hash: r.hash,
    metadata: r.metadata,
    indexText: r.indexText,
    expiresAt: r.expiresAt,
    weight: r.weight,
    useCount: r.useCount,
    lastUsedAt: r.lastUsedAt,
  };
}

const str = (v: unknown): string => (typeof v === "string" ? v : String(v ?? ""));
const strOrNull = (v: unknown): string | null => (typeof v === "string" ? v : null);

export function payloadToRecord(p: Payload): MemoryRecord {
  return {
    id: str(p.id),
    userId: str(p.userId),
    text: str(p.text),
    category: str(p.category) as MemoryCategory,
    about: str(p.about),
    createdAt: str(p.createdAt),
    updatedAt: str(p.updatedAt),
    eventTime: strOrNull(p.eventTime),
    validFrom: str(p.validFrom),
    validTo: strOrNull(p.validTo),
    supersededBy: strOrNull(p.supersededBy),
    threadId: strOrNull(p.threadId),
    sourceId: strOrNull(p.sourceId),
    hash: str(p.hash),
    metadata: (p.metadata ?? {}) as Record<string, JsonValue>,
    indexText: str(p.indexText),
    // Points written before feedback and expiry existed read as lasting, weight 1, never used.
    expiresAt: strOrNull(p.expiresAt),
    weight: typeof p.weight === "number" ? p.weight : 1,
    useCount: typeof p.useCount === "number" ? p.useCount : 0,
    lastUsedAt: strOrNull(p.lastUsedAt),
  };
}

/** `seq` orders a user's lines in append order (Qdrant keeps no insertion order). */
export function historyToPayload(e: HistoryEntry, seq: number): Payload {
  return { ...e, seq };
}

export function payloadToHistory(p: Payload): HistoryEntry {
  return {
    id: str(p.id),
    memoryId: str(p.memoryId),
    userId: str(p.userId),
    operation: str(p.operation) as MemoryOperation,
    oldText: strOrNull(p.oldText),
    newText: strOrNull(p.newText),
    at: str(p.at),
    threadId: strOrNull(p.threadId),
    sourceId: strOrNull(p.sourceId),
    ...(typeof p.reason === "string" ? { reason: p.reason } : {}),
  };
}

/**
 * Append-order sequence numbers: microseconds since the epoch, strictly increasing within this
 * process (two appends in one millisecond still get distinct, ordered numbers), and above
 * `floor`: the user's last stored number, so a writer on a machine whose clock is behind still
 * appends after the lines another machine wrote before it.
 */
export class SequenceClock {
  private last = 0;

  constructor(private readonly now: () => number = Date.now) {}

  next(floor = 0): number {
    this.last = Math.max(this.last + 1, this.now() * 1000, floor + 1);
    return this.last;
  }
}
