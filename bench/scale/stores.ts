import { QdrantClient } from "@qdrant/js-client-rest";
import { loadSettings } from "../../src/config/settings.js";
import { QdrantMemoryStore } from "../../src/stores/qdrant/memories.js";
import { openEmbeddedStore, type BenchStore } from "../lib/stores.js";

/** A backend the scale benchmark can measure; add one here to have it measured. */
export interface ScaleStoreKind {
  name: string;
  /** Why it cannot run here (printed, then skipped), or null when it can. */
  unavailable(): Promise<string | null>;
  open(): Promise<BenchStore>;
}

const sqlite: ScaleStoreKind = {
  name: "sqlite",
  unavailable: async () => null,
  open: openEmbeddedStore,
};

const qdrant: ScaleStoreKind = {
  name: "qdrant",
  unavailable: async () => {
    if (!loadSettings().QDRANT_URL)
      return "QDRANT_URL is not set: set it to a running Qdrant (e.g. http://127.0.0.1:6333) to measure it";
    return null;
  },
  open: async () => {
    // Collections of its own per case (memories, history, ...), dropped afterwards.
    const collection = `bench_scale_${process.pid}_${Date.now()}`;
    const settings = loadSettings({ ...process.env, QDRANT_COLLECTION: collection });
    const store = QdrantMemoryStore.fromSettings(settings);
    return {
      store,
      dispose: async () => {
        await store.close();
        const client = new QdrantClient({
          url: settings.QDRANT_URL!,
          apiKey: settings.QDRANT_API_KEY,
          checkCompatibility: false,
        });
        const { collections } = await client.getCollections();
        for (const { name } of collections) {
          if (name === collection || name.startsWith(`${collection}_`)) await client.deleteCollection(name);
        }
      },
    };
  },
};

export const SCALE_STORES: ScaleStoreKind[] = [sqlite, qdrant];
