import { join } from "node:path";
import type { Settings } from "../config/settings.js";
import type { MemoryStore } from "../memory/store.js";
import type { ProfileStore } from "../memory/profile/store.js";
import { InMemoryProfileStore } from "./in-memory/profiles.js";
import { SqliteProfileStore } from "./sqlite/profiles.js";

/** The profiles' store beside the memory store: same file (SQLite), same server (Qdrant), same process (memory). */
export async function createProfileStore(settings: Settings, memoryStore: MemoryStore): Promise<ProfileStore> {
  switch (memoryStore.name) {
    case "sqlite":
      return new SqliteProfileStore(join(settings.DATA_DIR, "memory.db"));
    case "qdrant": {
      const { QdrantProfileStore } = await import("./qdrant/profiles.js");
      return QdrantProfileStore.fromSettings(settings);
    }
    default:
      return new InMemoryProfileStore();
  }
}
