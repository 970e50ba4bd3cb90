import { loadSettings } from "../../src/config/settings.js";
import type { MemoryStore } from "../../src/stores/types.js";
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

interface QdrantStoreClass {
  fromSettings(settings: ReturnType<typeof loadSettings>): MemoryStore | Promise<MemoryStore>;
}

async function qdrantClass(): Promise<QdrantStoreClass | null> {
  const module = "../../src/stores/qdrant.js";
  try {
    const loaded = (await import(module)) as { QdrantMemoryStore?: QdrantStoreClass };
    return loaded.QdrantMemoryStore ?? null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return null;
    throw error;
  }
}

const qdrant: ScaleStoreKind = {
  name: "qdrant",
  unavailable: async () => {
    if (!process.env.QDRANT_URL) return "QDRANT_URL is not set: set it to a running Qdrant (e.g. http://127.0.0.1:6333) to measure it";
    if (!(await qdrantClass())) return "src/stores/qdrant.ts (QdrantMemoryStore) does not exist yet";
    return null;
  },
  open: async () => {
    const Store = (await qdrantClass())!;
    // A collection of its own per case, dropped afterwards, so runs never see each other's points.
    const collection = `bench_scale_${process.pid}_${Date.now()}`;
    const settings = loadSettings({ ...process.env, QDRANT_COLLECTION: collection });
    const store = await Store.fromSettings(settings);
    return {
      store,
      dispose: async () => {
        await store.close();
        const { QdrantClient } = await import("@qdrant/js-client-rest");
        const client = new QdrantClient({ url: settings.QDRANT_URL!, apiKey: settings.QDRANT_API_KEY, checkCompatibility: false });
        await client.deleteCollection(collection).catch(() => undefined);
      },
    };
  },
};

export const SCALE_STORES: ScaleStoreKind[] = [sqlite, qdrant];
