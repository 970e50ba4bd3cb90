import type { Schemas } from "@qdrant/js-client-rest";
import { filterWithPeriod } from "../../memory/filter.js";
import type { Candidate } from "../../search/fusion.js";
import { tokenize } from "../../search/tokenize.js";
import type { HistoryEntry, MemoryRecord } from "../../memory/types.js";
import {
  chunks,
  collectionNames,
  DATETIME_INDEX,
  DENSE_VECTOR,
  denseVectorSize,
  dimensionMismatchError,
  ensureCollection,
  INTEGER_INDEX,
  KEYWORD_INDEX,
  LEXICAL_VECTOR,
  scrollAll,
  type CollectionNames,
  type StoredPoint,
  TENANT_INDEX,
} from "./collections.js";
import { QdrantCaller, type RetryPolicy } from "./client.js";
import { qdrantStoreSettings, type CollectionTopology, type QdrantSettings } from "./settings.js";
import { recordFilter, tenantCondition, type QdrantFilter } from "./filter.js";
import { pointId } from "./ids.js";
import {
  historyToPayload,
  payloadToHistory,
  payloadToRecord,
  recordToPayload,
  SequenceClock,
  type Payload,
} from "./payload.js";
import { documentSparseVector, querySparseVector } from "./sparse.js";
import { candidateCount, definedMarks, fuseCandidates, newestFirst } from "../shared.js";
import type { ListOptions, MemoryMarks, MemoryStore, StoreHit, StoreSearchQuery } from "../../memory/store.js";
import { DimensionMismatchError } from "../../memory/store.js";

export interface QdrantMemoryStoreOptions {
  url: string;
  apiKey?: string;
  /** Base name: memories live in it, history in `<name>_history`. */
  collection: string;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** How new collections are spread over a cluster; one shard, one copy when unset. */
  topology?: CollectionTopology;
  /** The wall clock of history sequence numbers (tests set one that is behind). */
  now?: () => number;
}

/** Points per write request. */
const WRITE_BATCH = 256;

/**
 * Long-term memory in Qdrant: one collection per deployment, users kept apart by the tenant key.
 * Hybrid search runs on the server: a dense and a sparse (BM25) retriever, each filtered inside
 * Qdrant by user, validity and the caller's filter, fused with Qdrant's reciprocal rank fusion.
 */
/** listUsers on Qdrant sees at most this many users (the facet API's page). */
const MAX_LISTED_USERS = 10_000;

export class QdrantMemoryStore implements MemoryStore {
  readonly name = "qdrant";
  readonly collections: CollectionNames;
  private readonly caller: QdrantCaller;
  private readonly clock: SequenceClock;
  private dims?: number;

  constructor(readonly options: QdrantMemoryStoreOptions) {
    this.collections = collectionNames(options.collection);
    this.clock = new SequenceClock(options.now);
    this.caller = QdrantCaller.connect(options);
  }

  /** No request is sent until the first call (init), so building the store never blocks start-up. */
  static fromSettings(settings: QdrantSettings): QdrantMemoryStore {
    return new QdrantMemoryStore(qdrantStoreSettings(settings, "The Qdrant store"));
  }

  async init(dims: number): Promise<void> {
    const { memories, history } = this.collections;
    const stored = await denseVectorSize(this.caller, memories, DENSE_VECTOR);
    if (stored !== undefined && stored !== dims) throw dimensionMismatchError(memories, stored, dims);
    const topology = this.options.topology;
    await ensureCollection(this.caller, {
      name: memories,
      topology,
      vectors: { [DENSE_VECTOR]: { size: dims, distance: "Cosine" } },
      sparseVectors: { [LEXICAL_VECTOR]: { modifier: "idf" } },
      indexes: {
        userId: TENANT_INDEX,
        id: KEYWORD_INDEX,
        category: KEYWORD_INDEX,
        threadId: KEYWORD_INDEX,
        sourceId: KEYWORD_INDEX,
        hash: KEYWORD_INDEX,
        createdAt: DATETIME_INDEX,
        eventTime: DATETIME_INDEX,
        validFrom: DATETIME_INDEX,
        validTo: DATETIME_INDEX,
        expiresAt: DATETIME_INDEX,
      },
    });
    if (stored === undefined) {
      // Another process may have created it first, with its own size.
      const created = await denseVectorSize(this.caller, memories, DENSE_VECTOR);
      if (created !== undefined && created !== dims) throw dimensionMismatchError(memories, created, dims);
    }
    await ensureCollection(this.caller, {
      name: history,
      topology,
      indexes: { userId: TENANT_INDEX, memoryId: KEYWORD_INDEX, seq: INTEGER_INDEX },
    });
    this.dims = dims;
  }

  /** The embedding size: from init, or from the collection an earlier init created. */
  private async vectorSize(): Promise<number> {
    if (this.dims === undefined) {
      const stored = await denseVectorSize(this.caller, this.collections.memories, DENSE_VECTOR);
      if (stored === undefined) {
        throw new Error(`Qdrant collection "${this.collections.memories}" does not exist yet: call init(dims) first`);
      }
      this.dims = stored;
    }
    return this.dims;
  }

  private async assertDims(vector: number[], what: string): Promise<void> {
    const dims = await this.vectorSize();
    if (vector.length !== dims) {
      throw new DimensionMismatchError(`${what} has ${vector.length} dimensions, the store was set up for ${dims}`);
    }
  }

  async put(records: MemoryRecord[], vectors: number[][]): Promise<void> {
    if (records.length !== vectors.length) {
      throw new Error(`put got ${records.length} records but ${vectors.length} embeddings`);
    }
    for (const [i, v] of vectors.entries()) await this.assertDims(v, `Embedding of memory ${records[i].id}`);
    const points = records.map((r, i): Schemas["PointStruct"] => {
      const lexical = documentSparseVector(tokenize(r.indexText));
      const vector: Record<string, number[] | typeof lexical> = { [DENSE_VECTOR]: vectors[i] };
      if (lexical.indices.length > 0) vector[LEXICAL_VECTOR] = lexical;
      return { id: pointId("memory", r.userId, r.id), vector, payload: recordToPayload(r) };
    });
    for (const batch of chunks(points, WRITE_BATCH)) {
      await this.caller.call("storing memories", (c) =>
        c.upsert(this.collections.memories, { wait: true, points: batch }),
      );
    }
  }

  async get(userId: string, id: string): Promise<MemoryRecord | null> {
    const [found] = await this.ownPoints(userId, [id]);
    return found ? payloadToRecord(found.payload!) : null;
  }

  /** The user's points among the given record ids (the owner check is belt and braces: ids already embed it). */
  private async ownPoints(userId: string, ids: string[], withPayload: Schemas["WithPayloadInterface"] = true) {
    if (ids.length === 0) return [];
    const points = await this.caller.call("reading memories", (c) =>
      c.retrieve(this.collections.memories, {
        ids: ids.map((id) => pointId("memory", userId, id)),
        with_payload: withPayload,
        with_vector: false,
      }),
    );
    return (points as StoredPoint[]).filter((p) => p.payload?.userId === userId);
  }

  async getByHashes(userId: string, hashes: string[]): Promise<MemoryRecord[]> {
    if (hashes.length === 0) return [];
    const points = await scrollAll(this.caller, this.collections.memories, {
      must: [tenantCondition(userId), { key: "hash", match: { any: [...new Set(hashes)] } }],
    });
    const found = new Map<string, MemoryRecord>();
    for (const p of bySeq(points as StoredPoint[])) {
      const record = payloadToRecord(p.payload!);
      if (!found.has(record.hash)) found.set(record.hash, record);
    }
    return [...found.values()];
  }

  async list(userId: string, options: ListOptions = {}): Promise<MemoryRecord[]> {
    const filter = recordFilter(userId, options.validity ?? { kind: "all" }, options.filter);
    const offset = options.offset ?? 0;
    const records =
      options.limit === undefined
        ? await this.scrollRecords(filter)
        : await this.newestRecords(filter, offset + options.limit);
    const end = options.limit === undefined ? undefined : offset + options.limit;
    return records.sort(newestFirst).slice(offset, end);
  }

  private async scrollRecords(filter: QdrantFilter): Promise<MemoryRecord[]> {
    const points = await scrollAll(this.caller, this.collections.memories, filter);
    return points.map((p) => payloadToRecord(p.payload!));
  }

  /**
   * A superset of the first `n` records in list order, without reading all of the user's records:
   * the newest `n` by Qdrant's createdAt index, plus every record as new as the n-th (ties are
   * ordered by id, which Qdrant cannot do). The caller sorts and cuts.
   */
  private async newestRecords(filter: QdrantFilter, n: number): Promise<MemoryRecord[]> {
    if (n <= 0) return [];
    const page = await this.caller.call("listing memories", (c) =>
      c.scroll(this.collections.memories, {
        filter,
        limit: n,
        order_by: { key: "createdAt", direction: "desc" },
        with_payload: true,
        with_vector: false,
      }),
    );
    const top = (page.points as StoredPoint[]).map((p) => payloadToRecord(p.payload!));
    // Fewer than n: records whose createdAt Qdrant could not read as a date are not in that
    // ordering, so read everything that matches.
    if (top.length < n) return this.scrollRecords(filter);
    const boundary = top[top.length - 1].createdAt;
    const ties = await this.scrollRecords({
      must: [filter, { key: "createdAt", range: { gte: boundary } }],
    });
    const byId = new Map([...top, ...ties].map((r) => [r.id, r]));
    return [...byId.values()];
  }

  async count(userId: string, options: ListOptions = {}): Promise<number> {
    const filter = recordFilter(userId, options.validity ?? { kind: "all" }, options.filter);
    const { count } = await this.caller.call("counting memories", (c) =>
      c.count(this.collections.memories, { filter, exact: true }),
    );
    return count;
  }

  async listUsers(limit: number): Promise<string[]> {
    // The facet API counts values of the user id's keyword index; it returns the most frequent
    // first, so all values up to the cap are fetched and sorted here.
    const { hits } = await this.caller.call("listing users", (c) =>
      c.facet(this.collections.memories, { key: "userId", limit: MAX_LISTED_USERS, exact: true }),
    );
    // Exact counts are 0 for users whose points were all deleted (the index keeps the value).
    return hits
      .filter((h) => h.count > 0)
      .map((h) => String(h.value))
      .sort()
      .slice(0, limit);
  }

  async search(query: StoreSearchQuery): Promise<StoreHit[]> {
    const retrievers: { using: string; query: number[] | Schemas["SparseVector"] }[] = [];
    if (query.vector) {
      await this.assertDims(query.vector, "Query embedding");
      retrievers.push({ using: DENSE_VECTOR, query: query.vector });
    }
    const sparse = query.terms?.length ? querySparseVector(query.terms) : undefined;
    if (sparse && sparse.indices.length > 0) retrievers.push({ using: LEXICAL_VECTOR, query: sparse });
    if (retrievers.length === 0 || query.limit <= 0) return [];

    const filter = recordFilter(query.userId, query.validity, filterWithPeriod(query.filter, query.period));
    const candidates = candidateCount(query.limit);
    // Each retriever's own ranking, with scores, in one request; they are fused here by the same
    // weighted rule as the other stores (search/fusion.ts), since the weights depend on the scores.
    const searches = retrievers.map((r) => ({ ...r, filter, limit: candidates, with_payload: true }));
    const results = await this.caller.call("searching memories", (c) =>
      c.queryBatch(this.collections.memories, { searches }),
    );
    const records = new Map<string, MemoryRecord>();
    const side = (name: string): Candidate[] => {
      const i = retrievers.findIndex((r) => r.using === name);
      if (i < 0) return [];
      return results[i].points
        .filter((p) => p.payload?.userId === query.userId)
        .map((p) => {
          const record = payloadToRecord(p.payload as Payload);
          records.set(record.id, record);
          return { id: record.id, score: p.score };
        });
    };
    const dense = side(DENSE_VECTOR);
    const lexical = side(LEXICAL_VECTOR);
    return fuseCandidates(dense, lexical, query.limit, (id) => records.get(id)!, query.coverage, query.terms);
  }

  async delete(userId: string, ids: string[]): Promise<number> {
    const existing = await this.ownPoints(userId, [...new Set(ids)], ["userId"]);
    if (existing.length === 0) return 0;
    await this.caller.call("deleting memories", (c) =>
      c.delete(this.collections.memories, { wait: true, points: existing.map((p) => p.id) }),
    );
    return existing.length;
  }

  async mark(userId: string, id: string, marks: MemoryMarks): Promise<boolean> {
    const [point] = await this.ownPoints(userId, [id], ["userId"]);
    if (!point) return false;
    await this.caller.call("marking a memory", (c) =>
      c.setPayload(this.collections.memories, { wait: true, points: [point.id], payload: definedMarks(marks) }),
    );
    return true;
  }

  /**
   * Qdrant has no increment: each count is read, then written. Two processes counting the same
   * memory at the same moment may count one use; a use count is a ranking hint, not a ledger.
   */
  async recordUse(userId: string, ids: string[], at: string): Promise<number> {
    const points = await this.ownPoints(userId, [...new Set(ids)], ["userId", "useCount"]);
    if (points.length === 0) return 0;
    const operations = points.map((p) => ({
      set_payload: {
        points: [p.id],
        payload: { useCount: (typeof p.payload?.useCount === "number" ? p.payload.useCount : 0) + 1, lastUsedAt: at },
      },
    }));
    await this.caller.call("recording memory use", (c) =>
      c.batchUpdate(this.collections.memories, { wait: true, operations }),
    );
    return points.length;
  }

  async appendHistory(entries: HistoryEntry[]): Promise<void> {
    // Each user's lines go after the last one stored, whichever server wrote it and whatever its
    // clock says: appends of one user are serialised by the user lock, so this orders them.
    const floors = new Map<string, number>();
    for (const userId of new Set(entries.map((e) => e.userId))) floors.set(userId, await this.lastHistorySeq(userId));
    const points = entries.map((e) => {
      const seq = this.clock.next(floors.get(e.userId));
      floors.set(e.userId, seq);
      return { id: pointId("history", e.userId, e.id), vector: {}, payload: historyToPayload(e, seq) };
    });
    for (const batch of chunks(points, WRITE_BATCH)) {
      await this.caller.call("appending memory history", (c) =>
        c.upsert(this.collections.history, { wait: true, points: batch }),
      );
    }
  }

  private async lastHistorySeq(userId: string): Promise<number> {
    const page = await this.caller.call("reading the last history line", (c) =>
      c.scroll(this.collections.history, {
        filter: { must: [tenantCondition(userId)] },
        limit: 1,
        order_by: { key: "seq", direction: "desc" },
        with_payload: ["seq"],
        with_vector: false,
      }),
    );
    return Number(page.points[0]?.payload?.seq ?? 0);
  }

  async history(userId: string, memoryId: string): Promise<HistoryEntry[]> {
    const points = await scrollAll(this.caller, this.collections.history, {
      must: [tenantCondition(userId), { key: "memoryId", match: { value: memoryId } }],
    });
    return bySeq(points).map((p) => payloadToHistory(p.payload!));
  }

  async forgetUser(userId: string): Promise<{ memories: number; history: number }> {
    const mine: QdrantFilter = { must: [tenantCondition(userId)] };
    const count = (collection: string) =>
      this.caller.call("counting a user's data", (c) => c.count(collection, { filter: mine, exact: true }));
    const [memories, history] = await Promise.all([count(this.collections.memories), count(this.collections.history)]);
    for (const collection of [this.collections.memories, this.collections.history]) {
      await this.caller.call("erasing a user's data", (c) => c.delete(collection, { wait: true, filter: mine }));
    }
    return { memories: memories.count, history: history.count };
  }

  /** The client holds no resources that need releasing (HTTP keep-alive sockets close themselves). */
  async close(): Promise<void> {}
}

function bySeq(points: StoredPoint[]): StoredPoint[] {
  return [...points].sort((a, b) => Number(a.payload?.seq ?? 0) - Number(b.payload?.seq ?? 0));
}
