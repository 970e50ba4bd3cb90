/**
 * The Qdrant connection and collection layout every Qdrant-backed store takes from settings, read
 * in one place so the memory, entity and profile stores always agree.
 */
import type { Settings } from "../../config/settings.js";

/**
 * How a new collection is spread over a cluster: Qdrant's shard_number, replication_factor, write_consistency_factor.
 */
export interface CollectionTopology {
  /** Unset: Qdrant's default (one shard per node of the cluster at creation). */
  shards?: number;
  replicationFactor: number;
  writeConsistency: number;
}

/** One node, one copy: what Qdrant does when told nothing. */
export const SINGLE_NODE: CollectionTopology = { replicationFactor: 1, writeConsistency: 1 };

export type QdrantSettings = Pick<Settings, "QDRANT_URL" | "QDRANT_API_KEY" | "QDRANT_COLLECTION"> &
  Partial<
    Pick<Settings, "QDRANT_TIMEOUT_S" | "QDRANT_SHARDS" | "QDRANT_REPLICATION_FACTOR" | "QDRANT_WRITE_CONSISTENCY">
  >;

interface QdrantStoreSettings {
  url: string;
  apiKey?: string;
  collection: string;
  timeoutMs?: number;
  topology: CollectionTopology;
}

/** The options of a Qdrant-backed store; `what` names the store in the error when QDRANT_URL is missing. */
export function qdrantStoreSettings(settings: QdrantSettings, what: string): QdrantStoreSettings {
  if (!settings.QDRANT_URL) throw new Error(`${what} needs QDRANT_URL (e.g. http://127.0.0.1:6333)`);
  return {
    url: settings.QDRANT_URL,
    apiKey: settings.QDRANT_API_KEY,
    collection: settings.QDRANT_COLLECTION,
    timeoutMs: settings.QDRANT_TIMEOUT_S === undefined ? undefined : settings.QDRANT_TIMEOUT_S * 1000,
    topology: collectionTopology(settings),
  };
}

export function collectionTopology(
  settings: Partial<Pick<Settings, "QDRANT_SHARDS" | "QDRANT_REPLICATION_FACTOR" | "QDRANT_WRITE_CONSISTENCY">>,
): CollectionTopology {
  const replicationFactor = settings.QDRANT_REPLICATION_FACTOR ?? SINGLE_NODE.replicationFactor;
  const writeConsistency = settings.QDRANT_WRITE_CONSISTENCY ?? SINGLE_NODE.writeConsistency;
  // More confirmations than copies would make every write fail once the collection exists.
  if (writeConsistency > replicationFactor) {
    throw new Error(
      `QDRANT_WRITE_CONSISTENCY (${writeConsistency}) is more than QDRANT_REPLICATION_FACTOR (${replicationFactor}): ` +
        `a write cannot be confirmed by more copies than exist; lower QDRANT_WRITE_CONSISTENCY or raise QDRANT_REPLICATION_FACTOR`,
    );
  }
  return { shards: settings.QDRANT_SHARDS, replicationFactor, writeConsistency };
}
