import { Bm25Index } from "../../search/bm25.js";
import { compileFilter, inPeriod, isValidAt, periodBounds, periodTime } from "../../memory/filter.js";
import type { Candidate } from "../../search/fusion.js";
import { tokenize } from "../../search/tokenize.js";
import type { HistoryEntry, MemoryRecord } from "../../memory/types.js";
import { dot, normalize } from "../../search/vector.js";
import { candidateCount, copyRecord, definedMarks, fuseCandidates, listPage, visibleRecords } from "../shared.js";
import type { ListOptions, MemoryMarks, MemoryStore, StoreHit, StoreSearchQuery } from "../../memory/store.js";
import { DimensionMismatchError } from "../../memory/store.js";

interface UserSpace {
  records: Map<string, MemoryRecord>;
  vectors: Map<string, Float32Array>;
  lexical: Bm25Index;
  history: HistoryEntry[];
}

/** Everything in process memory: for tests and throw-away sessions. Same contract as the others. */
export class InMemoryMemoryStore implements MemoryStore {
  readonly name = "memory";
  private users = new Map<string, UserSpace>();
  private dims = 0;

  async init(dims: number): Promise<void> {
    this.dims = dims;
  }

  private space(userId: string): UserSpace {
    let s = this.users.get(userId);
    if (!s) {
      s = { records: new Map(), vectors: new Map(), lexical: new Bm25Index(), history: [] };
      this.users.set(userId, s);
    }
    return s;
  }

  async put(records: MemoryRecord[], vectors: number[][]): Promise<void> {
    records.forEach((r, i) => {
      if (this.dims && vectors[i].length !== this.dims) {
        throw new DimensionMismatchError(
          `Embedding has ${vectors[i].length} dimensions, the store was set up for ${this.dims}`,
        );
      }
      const s = this.space(r.userId);
      s.records.set(r.id, copyRecord(r));
      s.vectors.set(r.id, normalize(vectors[i]));
      s.lexical.set(r.id, tokenize(r.indexText));
    });
  }

  async get(userId: string, id: string): Promise<MemoryRecord | null> {
    const r = this.users.get(userId)?.records.get(id);
    return r ? copyRecord(r) : null;
  }

  async getByHashes(userId: string, hashes: string[]): Promise<MemoryRecord[]> {
    const wanted = new Set(hashes);
    const found = new Map<string, MemoryRecord>();
    for (const r of this.users.get(userId)?.records.values() ?? []) {
      if (wanted.has(r.hash) && !found.has(r.hash)) found.set(r.hash, copyRecord(r));
    }
    return [...found.values()];
  }

  async list(userId: string, options: ListOptions = {}): Promise<MemoryRecord[]> {
    return listPage(this.users.get(userId)?.records.values() ?? [], options);
  }

  async count(userId: string, options: ListOptions = {}): Promise<number> {
    return visibleRecords(this.users.get(userId)?.records.values() ?? [], options).length;
  }

  async listUsers(limit: number): Promise<string[]> {
    return [...this.users.entries()]
      .filter(([, s]) => s.records.size > 0)
      .map(([id]) => id)
      .sort()
      .slice(0, limit);
  }

  async search(query: StoreSearchQuery): Promise<StoreHit[]> {
    if (query.vector && this.dims && query.vector.length !== this.dims) {
      throw new DimensionMismatchError(
        `Query embedding has ${query.vector.length} dimensions, the store was set up for ${this.dims}`,
      );
    }
    const s = this.users.get(query.userId);
    if (!s) return [];
    const matches = compileFilter(query.filter);
    const period = query.period && periodBounds(query.period);
    const accept = (id: string) => {
      const r = s.records.get(id)!;
      return (!period || inPeriod(periodTime(r), period)) && isValidAt(r, query.validity) && matches(r);
    };
    const candidates = candidateCount(query.limit);
    let dense: Candidate[] = [];
    if (query.vector) {
      const q = normalize(query.vector);
      dense = [...s.vectors]
        .filter(([id]) => accept(id))
        .map(([id, v]) => ({ id, score: dot(q, v) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, candidates);
    }
    const lexical = query.terms?.length ? s.lexical.search(query.terms, accept).slice(0, candidates) : [];
    return fuseCandidates(dense, lexical, query.limit, (id) => s.records.get(id)!, query.coverage, query.terms);
  }

  async delete(userId: string, ids: string[]): Promise<number> {
    const s = this.users.get(userId);
    if (!s) return 0;
    let n = 0;
    for (const id of ids) {
      if (s.records.delete(id)) {
        s.vectors.delete(id);
        s.lexical.remove(id);
        n++;
      }
    }
    return n;
  }

  async mark(userId: string, id: string, marks: MemoryMarks): Promise<boolean> {
    const r = this.users.get(userId)?.records.get(id);
    if (!r) return false;
    Object.assign(r, definedMarks(marks));
    return true;
  }

  async recordUse(userId: string, ids: string[], at: string): Promise<number> {
    let n = 0;
    for (const id of new Set(ids)) {
      const r = this.users.get(userId)?.records.get(id);
      if (!r) continue;
      r.useCount++;
      r.lastUsedAt = at;
      n++;
    }
    return n;
  }

  async appendHistory(entries: HistoryEntry[]): Promise<void> {
    for (const e of entries) this.space(e.userId).history.push(structuredClone(e));
  }

  async history(userId: string, memoryId: string): Promise<HistoryEntry[]> {
    return (this.users.get(userId)?.history ?? [])
      .filter((e) => e.memoryId === memoryId)
      .map((e) => structuredClone(e));
  }

  async forgetUser(userId: string): Promise<{ memories: number; history: number }> {
    const s = this.users.get(userId);
    this.users.delete(userId);
    return { memories: s?.records.size ?? 0, history: s?.history.length ?? 0 };
  }

  async close(): Promise<void> {}
}
