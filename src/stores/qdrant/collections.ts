/**
 * Collection bootstrap and paging helpers of the Qdrant stores (memories, history, the memory map, profiles).
 *
 * Layout (one deployment = one base name, QDRANT_COLLECTION):
 *   <name>           memories: named vectors "dense" (cosine) and "lexical" (sparse, IDF)
 *   <name>_history   the audit log, payload only
 *   <name>_entities  the memory map's entities and relations (qdrant-entities.ts)
 *   <name>_profiles  user profiles and question topics (qdrant-profiles.ts)
 * Every collection keeps the owner in a keyword payload index marked as Qdrant's tenant key, and
 * every one is created with the same topology (shards, replicas, write consistency).
 */
import type { Schemas } from "@qdrant/js-client-rest";
import { DimensionMismatchError } from "../../memory/store.js";
import type { QdrantCaller } from "./client.js";
import type { QdrantFilter } from "./filter.js";
import { SINGLE_NODE, type CollectionTopology } from "./settings.js";

export const DENSE_VECTOR = "dense";
export const LEXICAL_VECTOR = "lexical";

export interface CollectionNames {
  memories: string;
  history: string;
}

export function collectionNames(base: string): CollectionNames {
  return { memories: base, history: `${base}_history` };
}

type IndexSchema = Schemas["PayloadFieldSchema"];

/** The tenant key: co-located storage per user; the only field that also gets HNSW links per value. */
export const TENANT_INDEX: IndexSchema = { type: "keyword", is_tenant: true };
/** Plain filter indexes: no per-value HNSW links (they would multiply indexing work for nothing). */
export const KEYWORD_INDEX: IndexSchema = { type: "keyword", enable_hnsw: false };
export const DATETIME_INDEX: IndexSchema = { type: "datetime", enable_hnsw: false };
export const INTEGER_INDEX: IndexSchema = { type: "integer", enable_hnsw: false };

/**
 * Every search here is scoped to one tenant, so (as Qdrant recommends for many tenants) no global
 * HNSW graph is built (m: 0); payload_m builds one graph per user instead.
 */
const TENANT_HNSW: Schemas["HnswConfigDiff"] = { m: 0, payload_m: 16 };

interface CollectionSpec {
  name: string;
  vectors?: Schemas["VectorsConfig"];
  sparseVectors?: Record<string, Schemas["SparseVectorParams"]>;
  indexes: Record<string, IndexSchema>;
  /** Shards and replicas of a new collection (QDRANT_SHARDS, QDRANT_REPLICATION_FACTOR, QDRANT_WRITE_CONSISTENCY). */
  topology?: CollectionTopology;
}

/** Creates the collection if it is missing (another process may win the race: fine) and its payload indexes. */
export async function ensureCollection(caller: QdrantCaller, spec: CollectionSpec): Promise<void> {
  const { exists } = await caller.call(`checking collection "${spec.name}"`, (c) => c.collectionExists(spec.name));
  if (!exists) {
    const topology = spec.topology ?? SINGLE_NODE;
    try {
      await caller.call(`creating collection "${spec.name}"`, (c) =>
        c.createCollection(spec.name, {
          vectors: spec.vectors ?? {},
          sparse_vectors: spec.sparseVectors,
          hnsw_config: spec.vectors ? TENANT_HNSW : undefined,
          shard_number: topology.shards,
          replication_factor: topology.replicationFactor,
          write_consistency_factor: topology.writeConsistency,
        }),
      );
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== 409 && !/already exists/i.test(String((err as Error).message))) throw err;
    }
  }
  for (const [field, schema] of Object.entries(spec.indexes)) {
    // Creating an index that exists with the same schema is a no-op in Qdrant.
    await caller.call(`creating the "${field}" payload index of "${spec.name}"`, (c) =>
      c.createPayloadIndex(spec.name, { field_name: field, field_schema: schema, wait: true }),
    );
  }
}

/** The size of a named dense vector of an existing collection; undefined if the collection does not exist. */
export async function denseVectorSize(
  caller: QdrantCaller,
  collection: string,
  vector: string,
): Promise<number | undefined> {
  const { exists } = await caller.call(`checking collection "${collection}"`, (c) => c.collectionExists(collection));
  if (!exists) return undefined;
  const info = await caller.call(`reading collection "${collection}"`, (c) => c.getCollection(collection));
  const vectors = info.config.params.vectors as Record<string, { size?: number }> | { size?: number } | undefined;
  const named = vectors && !("size" in vectors) ? (vectors as Record<string, { size?: number }>)[vector] : undefined;
  if (named?.size === undefined) {
    throw new Error(
      `Qdrant collection "${collection}" exists but has no "${vector}" vector, so it was not made by this store: ` +
        `set QDRANT_COLLECTION to another name (or delete that collection)`,
    );
  }
  return named.size;
}

/** Says what to do when an existing collection was made for another embedding size. */
export function dimensionMismatchError(collection: string, stored: number, wanted: number): DimensionMismatchError {
  return new DimensionMismatchError(
    `Qdrant collection "${collection}" holds ${stored}-dimension vectors but the embedding model makes ${wanted}-dimension ones. ` +
      `Set QDRANT_COLLECTION to a new name for this model, or go back to the model the collection was built with ` +
      `(deleting "${collection}" also works, and loses its memories).`,
  );
}

export type StoredPoint = { id: string | number; payload?: Record<string, unknown> | null };

/** All points that match a filter, page by page. */
export async function scrollAll(
  caller: QdrantCaller,
  collection: string,
  filter: QdrantFilter | undefined,
  withPayload: Schemas["WithPayloadInterface"] = true,
  pageSize = 1_000,
): Promise<StoredPoint[]> {
  const out: StoredPoint[] = [];
  let offset: Schemas["ExtendedPointId"] | undefined;
  do {
    const page = await caller.call(`reading "${collection}"`, (c) =>
      c.scroll(collection, { filter, limit: pageSize, offset, with_payload: withPayload, with_vector: false }),
    );
    out.push(...(page.points as StoredPoint[]));
    offset = (page.next_page_offset ?? undefined) as Schemas["ExtendedPointId"] | undefined;
  } while (offset !== undefined && offset !== null);
  return out;
}

/** Splits a list into chunks, so one request never carries an unbounded number of points. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
