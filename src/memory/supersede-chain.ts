import type { MemoryRecord } from "./types.js";

/** A memory with the versions of its fact around it (supersede keeps the old one, closed). */
export interface SupersedeChain {
  memory: MemoryRecord;
  /** The older versions this memory replaced, oldest first. */
  replaced: MemoryRecord[];
  /**
   * The newer versions that replaced it, in order; the last one holds now unless it was superseded and then deleted.
   */
  replacedBy: MemoryRecord[];
}

/**
 * Walks `supersededBy` both ways from `memory` through the user's memories (current and
 * superseded). Only the old record points at its successor, so the walk back needs them all.
 * A link to a deleted memory ends the walk there; a loop (never written by the engine, but
 * possible in a hand-edited store) is cut at the first repeat.
 */
export function supersedeChain(memory: MemoryRecord, all: MemoryRecord[]): SupersedeChain {
  const byId = new Map(all.map((m) => [m.id, m]));
  const predecessor = new Map(all.filter((m) => m.supersededBy).map((m) => [m.supersededBy!, m]));
  const seen = new Set([memory.id]);
  const replaced: MemoryRecord[] = [];
  for (let older = predecessor.get(memory.id); older && !seen.has(older.id); older = predecessor.get(older.id)) {
    seen.add(older.id);
    replaced.unshift(older);
  }
  const replacedBy: MemoryRecord[] = [];
  for (let newer = next(memory); newer && !seen.has(newer.id); newer = next(newer)) {
    seen.add(newer.id);
    replacedBy.push(newer);
  }
  return { memory, replaced, replacedBy };

  function next(m: MemoryRecord): MemoryRecord | undefined {
    return m.supersededBy ? byId.get(m.supersededBy) : undefined;
  }
}
