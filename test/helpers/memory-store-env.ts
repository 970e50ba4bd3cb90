import { randomUUID } from "node:crypto";
import { collectionNames } from "../../src/stores/qdrant/collections.js";

/**
 * Long-term memory for a product process a test starts: with QDRANT_URL set, collections of its
 * own in that Qdrant (runs against one shared server never see each other's memories), which
 * `drop()` deletes afterwards; otherwise the SQLite file in the process's own DATA_DIR.
 */
export function isolatedMemoryStore(prefix: string): {
  store: "qdrant" | "sqlite";
  env: Record<string, string>;
  drop: () => Promise<void>;
} {
  const url = process.env.QDRANT_URL;
  if (!url) return { store: "sqlite", env: { MEMORY_STORE: "sqlite" }, drop: async () => {} };
  const collection = `${prefix}_${Date.now()}_${randomUUID().slice(0, 8)}`;
  return {
    store: "qdrant",
    env: { MEMORY_STORE: "qdrant", QDRANT_COLLECTION: collection },
    drop: async () => {
      for (const name of Object.values(collectionNames(collection))) {
        await fetch(`${url}/collections/${name}`, { method: "DELETE" }).catch(() => undefined);
      }
    },
  };
}
