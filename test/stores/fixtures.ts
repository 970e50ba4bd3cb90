/** Small deterministic records and 8-dimensional hand-made vectors for the store contract tests. */
import { randomUUID } from "node:crypto";
import type { HistoryEntry, MemoryRecord } from "../../src/memory/types.js";

export const DIMS = 8;

/** A fresh user id, so tests sharing one backend never see each other's data. */
export function newUser(label = "u"): string {
  return `${label}-${randomUUID()}`;
}

/** Unit vector along one axis. */
export function axis(i: number, sign = 1): number[] {
  const v = new Array<number>(DIMS).fill(0);
  v[i] = sign;
  return v;
}

/** A vector from per-axis weights, e.g. mix([0, 0.9], [1, 0.44]). */
export function mix(...parts: [axis: number, weight: number][]): number[] {
  const v = new Array<number>(DIMS).fill(0);
  for (const [i, w] of parts) v[i] += w;
  return v;
}

/** Deterministic pseudo-random vector for bulk records. */
export function seededVector(seed: number): number[] {
  let s = (seed * 2654435761) % 2 ** 32 || 1;
  return Array.from({ length: DIMS }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
}

export function memory(userId: string, text: string, extra: Partial<MemoryRecord> = {}): MemoryRecord {
  const at = extra.createdAt ?? "2024-05-01T12:00:00.000Z";
  const id = extra.id ?? randomUUID();
  return {
    id,
    userId,
    text,
    category: "other",
    about: "user",
    createdAt: at,
    updatedAt: at,
    eventTime: null,
    validFrom: at,
    validTo: null,
    supersededBy: null,
    threadId: null,
    sourceId: null,
    hash: `hash-${id}`,
    metadata: {},
    indexText: text,
    expiresAt: null,
    weight: 1,
    useCount: 0,
    lastUsedAt: null,
    ...extra,
  };
}

/** What the child writer process stores as its i-th record (vector: seededVector(i)). */
export function writerRecord(userId: string, writer: string, i: number): MemoryRecord {
  return memory(userId, `written by ${writer} walrus${writer}${i}`, { id: `${writer}-${i}`, metadata: { writer } });
}

export function historyEntry(userId: string, memoryId: string, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: randomUUID(),
    memoryId,
    userId,
    operation: "ADD",
    oldText: null,
    newText: "text",
    at: "2024-05-01T12:00:00.000Z",
    threadId: null,
    sourceId: null,
    ...extra,
  };
}

export const ids = (records: { id: string }[]) => records.map((r) => r.id);
export const idSet = (records: { id: string }[]) => new Set(ids(records));
