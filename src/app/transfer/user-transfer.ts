import { randomUUID } from "node:crypto";
import type { ReadyFact } from "../../memory/api.js";
import type { MemoryEngine } from "../../memory/engine.js";
import { TENANT_FIELDS } from "../../memory/filter.js";
import type { HistoryEntry, JsonValue } from "../../memory/types.js";
import { exportedEntities, importRelations, type ExportedEntities } from "./entity-transfer.js";
import { chronological, memoryView, type MemoryView } from "../memory-view.js";
import { exportedProfile, importProfile, type ExportedUserModel } from "./profile-transfer.js";
import type { ImportDocument } from "./format.js";

export interface UserExport {
  userId: string;
  exportedAt: string;
  memories: (MemoryView & { history: HistoryEntry[]; entities?: ExportedEntities["byMemory"][string] })[];
  relations?: ExportedEntities["relations"];
  profile?: ExportedUserModel["profile"];
  questions?: ExportedUserModel["questions"];
}

/** Every memory of the user (current and superseded), each with its history. */
export async function exportUser(engine: MemoryEngine, userId: string, now = new Date()): Promise<UserExport> {
  const records = await engine.list({ userId, includeHistory: true });
  const memories: UserExport["memories"] = [];
  const map = await exportedEntities(
    engine,
    userId,
    records.map((r) => r.id),
  );
  for (const record of records) {
    const entities = map?.byMemory[record.id];
    memories.push({
      ...memoryView(record),
      history: chronological(await engine.history(record.id, { userId })),
      ...(entities ? { entities } : {}),
    });
  }
  const model = await exportedProfile(engine, userId);
  return { userId, exportedAt: now.toISOString(), memories, ...(map ? { relations: map.relations } : {}), ...model };
}

export interface ImportResult {
  userId: string;
  /** Memories created by this import. */
  imported: number;
  /** Memories the user already had (same fact from the same source): importing twice adds nothing. */
  alreadyPresent: number;
  /** Superseded memories, kept as lines of their successor's history. */
  folded: number;
  historyEntries: number;
  /** Exported id → id in this store (ids are always re-created). */
  ids: Record<string, string>;
}

type Imported = ImportDocument["memories"][number];

/**
 * Re-creates an export under `userId`. Ids are new (an id from a file is never trusted to be free,
 * or to be this user's); current facts go through the engine, so they are embedded and indexed;
 * times, categories, sources and history are kept. A superseded fact is not restored as a memory:
 * its history lines join those of the fact that replaced it, so the change stays auditable.
 */
export async function importUser(engine: MemoryEngine, userId: string, doc: ImportDocument): Promise<ImportResult> {
  const result: ImportResult = { userId, imported: 0, alreadyPresent: 0, folded: 0, historyEntries: 0, ids: {} };
  const created = new Set<string>();
  const current = doc.memories.filter((m) => m.validTo === null);
  for (const turn of sameTurnBatches(current)) {
    // What the user has already (an earlier import, or the memory this file was exported from)
    // is named, not added again, however that memory was made.
    const batch: Imported[] = [];
    const present = await engine.findFacts(turn, { userId });
    turn.forEach((m, i) => {
      const existing = present[i];
      if (!existing) batch.push(m);
      else {
        result.ids[m.id] = existing.id;
        result.alreadyPresent++;
      }
    });
    if (batch.length === 0) continue;
    const first = batch[0];
    const { changes } = await engine.add([], {
      userId,
      infer: false,
      time: first.createdAt,
      threadId: first.threadId ?? undefined,
      facts: batch.map(readyFact),
    });
    const unclaimed = [...changes];
    for (const m of batch) {
      const i = unclaimed.findIndex((c) => c.text === m.text.trim());
      if (i >= 0) {
        result.ids[m.id] = unclaimed[i].memoryId;
        created.add(unclaimed[i].memoryId);
        unclaimed.splice(i, 1);
        result.imported++;
        continue;
      }
      const existing = await engine.findFact(m.text, { userId, sourceId: m.sourceId });
      if (existing) {
        result.ids[m.id] = existing.id;
        result.alreadyPresent++;
      }
    }
  }
  if (doc.relations?.length) await importRelations(engine, userId, doc.relations);
  await importProfile(engine, userId, { profile: doc.profile, questions: doc.questions });
  const history = importedHistory(doc, userId, result, created);
  await engine.importHistory(history, { userId });
  result.historyEntries = history.length;
  return result;
}

/** Facts said in one turn (same time, same thread) are added in one call: one embedding batch. */
function sameTurnBatches(memories: Imported[]): Imported[][] {
  const batches = new Map<string, Imported[]>();
  for (const m of [...memories].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    const key = `${m.createdAt}\u0000${m.threadId ?? ""}`;
    batches.set(key, [...(batches.get(key) ?? []), m]);
  }
  return [...batches.values()];
}

function readyFact(m: Imported): ReadyFact {
  return {
    text: m.text,
    category: m.category,
    about: m.about,
    eventTime: m.eventTime ?? undefined,
    sourceId: m.sourceId ?? undefined,
    metadata: withoutTenantFields(m.metadata),
    expiresAt: m.expiresAt ?? undefined,
    usage: { weight: m.weight, useCount: m.useCount, lastUsedAt: m.lastUsedAt },
    ...(m.entities?.length ? { entities: m.entities } : {}),
  };
}

/** Tenant fields in imported metadata are dropped: the owner is the importing path's user. */
function withoutTenantFields(metadata: Record<string, JsonValue>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !TENANT_FIELDS.has(key)));
}

/**
 * History lines for the memories this import created, re-pointed at their new ids. Their own ADD
 * lines are skipped (the engine wrote one when it added the fact); superseded ancestors' lines
 * go to the surviving fact.
 */
function importedHistory(
  doc: ImportDocument,
  userId: string,
  result: ImportResult,
  created: Set<string>,
): HistoryEntry[] {
  const byId = new Map(doc.memories.map((m) => [m.id, m]));
  const entries: HistoryEntry[] = [];
  for (const m of doc.memories) {
    const target = m.validTo === null ? result.ids[m.id] : survivorId(m, byId, result.ids);
    if (!target || !created.has(target)) continue;
    if (m.validTo !== null) result.folded++;
    for (const h of m.history) {
      if (m.validTo === null && h.operation === "ADD") continue;
      entries.push({ ...h, id: randomUUID(), memoryId: target, userId });
    }
  }
  return entries;
}

/** Follows `supersededBy` to the fact that holds now; undefined if the chain breaks or loops. */
function survivorId(m: Imported, byId: Map<string, Imported>, ids: Record<string, string>): string | undefined {
  const seen = new Set<string>();
  let cur: Imported | undefined = m;
  while (cur && cur.validTo !== null) {
    if (seen.has(cur.id) || !cur.supersededBy) return undefined;
    seen.add(cur.id);
    cur = byId.get(cur.supersededBy);
  }
  return cur ? ids[cur.id] : undefined;
}
