import {
  BaseStore,
  getTextAtPath,
  type GetOperation,
  type IndexConfig,
  type Item,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
  validateNamespace,
} from "@langchain/langgraph-checkpoint";
import type { Schemas } from "@qdrant/js-client-rest";
import {
  chunks,
  collectionNames,
  DATETIME_INDEX,
  DENSE_VECTOR,
  denseVectorSize,
  dimensionMismatchError,
  ensureCollection,
  KEYWORD_INDEX,
  type StoredPoint,
} from "./qdrant-collections.js";
import { createQdrantClient, QdrantCaller, type RetryPolicy } from "./qdrant-client.js";
import type { QdrantFilter } from "./qdrant-filter.js";
import { qdrantStoreSettings, type CollectionTopology, type QdrantSettings } from "./qdrant-settings.js";
import {
  itemPayload,
  itemPointId,
  joinNamespace,
  namespaceMatches,
  payloadToItem,
  prefixCondition,
  valueFilterConditions,
} from "./qdrant-kv.js";

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  /** Base name (QDRANT_COLLECTION); items live in `<name>_kv`. */
  collection: string;
  /** Semantic search over items: the embedder, its size, and which value fields to embed (default: the whole value). */
  index?: IndexConfig;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** How the collection is spread over a cluster; one shard, one copy when unset. */
  topology?: CollectionTopology;
}

/** Most namespaces a listNamespaces call reads from Qdrant's facet index. */
const MAX_NAMESPACES = 100_000;

/**
 * A LangGraph BaseStore in Qdrant, for graph code that reads and writes `config.store`. Items are
 * points of `<name>_kv`, keyed by a UUID of (namespace, key); the namespace is kept as a path and
 * as its list of joined prefixes, so a prefix search is one indexed match. With an index config,
 * each indexed text of an item is one vector of a multivector, compared by max_sim: an item scores
 * as its best-matching field, as in LangGraph's in-memory and Postgres stores.
 */
export class QdrantStore extends BaseStore {
  readonly collection: string;
  private readonly caller: QdrantCaller;
  private ready?: Promise<void>;

  constructor(private readonly options: QdrantStoreOptions) {
    super();
    this.collection = collectionNames(options.collection).kv;
    this.caller = new QdrantCaller(createQdrantClient(options), options.url, options.retry, options.timeoutMs, options.apiKey);
  }

  static fromSettings(settings: QdrantSettings, index?: IndexConfig): QdrantStore {
    return new QdrantStore({ ...qdrantStoreSettings(settings, "The Qdrant store"), index });
  }

  /** Creates the collection and its indexes; runs once, on first use. */
  setup(): Promise<void> {
    this.ready ??= this.createCollection();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  private async createCollection(): Promise<void> {
    const dims = this.options.index?.dims;
    if (dims !== undefined) {
      const stored = await denseVectorSize(this.caller, this.collection, DENSE_VECTOR);
      if (stored !== undefined && stored !== dims) throw dimensionMismatchError(this.collection, stored, dims);
    }
    await ensureCollection(this.caller, {
      name: this.collection,
      topology: this.options.topology,
      vectors:
        dims === undefined
          ? undefined
          : { [DENSE_VECTOR]: { size: dims, distance: "Cosine", multivector_config: { comparator: "max_sim" } } },
      indexes: {
        prefixes: { type: "keyword", is_tenant: true },
        namespaceKey: KEYWORD_INDEX,
        key: KEYWORD_INDEX,
        updatedAt: DATETIME_INDEX,
      },
    });
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    await this.setup();
    const results: unknown[] = new Array(operations.length).fill(null);
    const gets: [number, GetOperation][] = [];
    const puts = new Map<string, PutOperation>();
    const reads: Promise<void>[] = [];
    operations.forEach((op, i) => {
      if ("namespacePrefix" in op) {
        reads.push(this.searchItems(op).then((items) => void (results[i] = items)));
      } else if ("value" in op) {
        validateNamespace(op.namespace);
        puts.set(joinNamespace([...op.namespace, op.key]), op); // the last put of a key wins
      } else if ("key" in op) {
        gets.push([i, op]);
      } else if ("matchConditions" in op || "limit" in op) {
        reads.push(this.listNamespacesOp(op as ListNamespacesOperation).then((ns) => void (results[i] = ns)));
      }
    });
    // Reads see the state before this batch's writes, as in LangGraph's own stores.
    reads.push(this.getItems(gets.map(([, op]) => op)).then((items) => gets.forEach(([i], j) => (results[i] = items[j]))));
    await Promise.all(reads);
    await this.applyPuts([...puts.values()]);
    return results as OperationResults<Op>;
  }

  private async getItems(ops: GetOperation[]): Promise<(Item | null)[]> {
    if (ops.length === 0) return [];
    const ids = ops.map((op) => itemPointId(op.namespace, op.key));
    const points = (await this.caller.call("reading store items", (c) =>
      c.retrieve(this.collection, { ids, with_payload: true, with_vector: false }),
    )) as StoredPoint[];
    const byId = new Map(points.map((p) => [String(p.id), p]));
    return ids.map((id) => {
      const p = byId.get(id);
      return p?.payload ? payloadToItem(p.payload) : null;
    });
  }

  private async searchItems(op: SearchOperation): Promise<SearchItem[]> {
    const filter: QdrantFilter = { must: [...prefixCondition(op.namespacePrefix), ...valueFilterConditions(op.filter)] };
    const limit = op.limit ?? 10;
    const offset = op.offset ?? 0;
    if (op.query && this.options.index) {
      const vector = await this.options.index.embeddings.embedQuery(op.query);
      const { points } = await this.caller.call("searching store items", (c) =>
        c.query(this.collection, { query: [vector], using: DENSE_VECTOR, filter, limit, offset, with_payload: true }),
      );
      return points.map((p) => ({ ...payloadToItem(p.payload!), score: p.score }));
    }
    // No query: newest first, like LangGraph's Postgres store.
    const { points } = await this.caller.call("listing store items", (c) =>
      c.scroll(this.collection, {
        filter,
        limit: offset + limit,
        order_by: { key: "updatedAt", direction: "desc" },
        with_payload: true,
        with_vector: false,
      }),
    );
    return (points as StoredPoint[]).slice(offset).map((p) => payloadToItem(p.payload!));
  }

  private async listNamespacesOp(op: ListNamespacesOperation): Promise<string[][]> {
    const fixedPrefix = op.matchConditions?.find((c) => c.matchType === "prefix" && !c.path.includes("*"));
    const filter: QdrantFilter | undefined = fixedPrefix
      ? { must: prefixCondition(fixedPrefix.path as string[]) }
      : undefined;
    const { hits } = await this.caller.call("listing store namespaces", (c) =>
      c.facet(this.collection, { key: "namespaceKey", filter, limit: MAX_NAMESPACES, exact: true }),
    );
    let namespaces = hits.map((h) => String(h.value).split(":"));
    namespaces = namespaces.filter((ns) => (op.matchConditions ?? []).every((c) => namespaceMatches(ns, c)));
    if (op.maxDepth !== undefined) namespaces = namespaces.map((ns) => ns.slice(0, op.maxDepth));
    const unique = [...new Map(namespaces.map((ns) => [ns.join(":"), ns])).values()];
    unique.sort((a, b) => a.join(":").localeCompare(b.join(":")));
    return unique.slice(op.offset, op.offset + op.limit);
  }

  private async applyPuts(ops: PutOperation[]): Promise<void> {
    if (ops.length === 0) return;
    const deletes = ops.filter((op) => op.value === null).map((op) => itemPointId(op.namespace, op.key));
    const writes = ops.filter((op) => op.value !== null);
    if (deletes.length) {
      await this.caller.call("deleting store items", (c) => c.delete(this.collection, { wait: true, points: deletes }));
    }
    if (writes.length === 0) return;
    const created = await this.createdTimes(writes);
    const vectors = await this.embed(writes);
    const now = new Date().toISOString();
    const points: Schemas["PointStruct"][] = writes.map((op, i) => {
      const id = itemPointId(op.namespace, op.key);
      return {
        id,
        vector: vectors[i] ? { [DENSE_VECTOR]: vectors[i]! } : {},
        payload: itemPayload(op.namespace, op.key, op.value!, created.get(id) ?? now, now),
      };
    });
    for (const batch of chunks(points, 256)) {
      await this.caller.call("storing store items", (c) => c.upsert(this.collection, { wait: true, points: batch }));
    }
  }

  /** An updated item keeps the time it was first stored. */
  private async createdTimes(ops: PutOperation[]): Promise<Map<string, string>> {
    const ids = ops.map((op) => itemPointId(op.namespace, op.key));
    const points = (await this.caller.call("reading store items", (c) =>
      c.retrieve(this.collection, { ids, with_payload: ["createdAt"], with_vector: false }),
    )) as StoredPoint[];
    return new Map(points.map((p) => [String(p.id), String(p.payload?.createdAt)]));
  }

  /** Per put: one vector per indexed text (a multivector), or undefined when nothing is indexed. */
  private async embed(ops: PutOperation[]): Promise<(number[][] | undefined)[]> {
    const index = this.options.index;
    if (!index) return ops.map(() => undefined);
    const textsPerOp = ops.map((op) => (op.index === false ? [] : indexedTexts(op.value!, op.index ?? index.fields ?? ["$"])));
    const all = textsPerOp.flat();
    if (all.length === 0) return ops.map(() => undefined);
    const embedded = await index.embeddings.embedDocuments(all);
    for (const v of embedded) {
      if (v.length !== index.dims) {
        throw new Error(`The store's embedder returned ${v.length} dimensions, the index was set up for ${index.dims}`);
      }
    }
    let next = 0;
    return textsPerOp.map((texts) => (texts.length ? texts.map(() => embedded[next++]) : undefined));
  }

  /** Drops the whole `<name>_kv` collection (tests, resets). */
  async dropCollection(): Promise<void> {
    await this.caller.call(`deleting collection "${this.collection}"`, (c) => c.deleteCollection(this.collection));
    this.ready = undefined;
  }
}

/** The texts of a value at the given paths; "$" is the whole value. */
function indexedTexts(value: Record<string, unknown>, paths: string[]): string[] {
  return paths.flatMap((path) => (path === "$" ? [JSON.stringify(value)] : getTextAtPath(value, path)));
}
