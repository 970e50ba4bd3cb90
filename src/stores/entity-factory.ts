import { join } from "node:path";
import type { Settings } from "../config/settings.js";
import type { EntityStore } from "../memory/entities/store.js";
import { InMemoryEntityStore } from "./in-memory/entities.js";
import { SqliteEntityStore } from "./sqlite/entities.js";
import type { MemoryStore } from "../memory/store.js";

/** The memory map's store beside the memory store: same file (SQLite), same server (Qdrant), same process (memory). */
export async function createEntityStore(settings: Settings, memoryStore: MemoryStore): Promise<EntityStore> {
  switch (memoryStore.name) {
    case "sqlite":
      return new SqliteEntityStore(join(settings.DATA_DIR, "memory.db"));
    case "qdrant": {
      const { QdrantEntityStore } = await import("./qdrant/entities.js");
      return QdrantEntityStore.fromSettings(settings);
    }
    default:
      return new InMemoryEntityStore();
  }
}
