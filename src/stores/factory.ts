import { join } from "node:path";
import type { Settings } from "../config/settings.js";
import { InMemoryMemoryStore } from "./in-memory/memories.js";
import { SqliteMemoryStore } from "./sqlite/memories.js";
import type { MemoryStore } from "../memory/store.js";

/**
 * The long-term memory backend chosen from settings: Qdrant when QDRANT_URL is set (or
 * MEMORY_STORE=qdrant), the embedded SQLite file otherwise, process memory for MEMORY_STORE=memory.
 */
export async function createMemoryStore(settings: Settings): Promise<MemoryStore> {
  const kind = settings.MEMORY_STORE === "auto" ? (settings.QDRANT_URL ? "qdrant" : "sqlite") : settings.MEMORY_STORE;
  switch (kind) {
    case "memory":
      return new InMemoryMemoryStore();
    case "sqlite":
      return new SqliteMemoryStore(join(settings.DATA_DIR, "memory.db"));
    case "qdrant": {
      if (!settings.QDRANT_URL) {
        throw new Error("MEMORY_STORE=qdrant needs QDRANT_URL (e.g. http://127.0.0.1:6333)");
      }
      const { QdrantMemoryStore } = await import("./qdrant/memories.js");
      return QdrantMemoryStore.fromSettings(settings);
    }
  }
}
