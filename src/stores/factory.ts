import { join } from "node:path";
import type { Settings } from "../config/settings.js";
import type { EntityStore } from "../memory/entities/store.js";
import type { ProfileStore } from "../memory/profile/store.js";
import type { JobQueue } from "../memory/queue/types.js";
import type { MemoryStore } from "../memory/store.js";
import type { UserLockRunner } from "../memory/user-lock.js";
import { InMemoryEntityStore } from "./in-memory/entities.js";
import { InMemoryMemoryStore } from "./in-memory/memories.js";
import { InMemoryProfileStore } from "./in-memory/profiles.js";
import { PostgresJobQueue } from "./postgres/queue.js";
import { PostgresUserLocks } from "./postgres/user-locks.js";
import { SqliteEntityStore } from "./sqlite/entities.js";
import { SqliteMemoryStore } from "./sqlite/memories.js";
import { SqliteProfileStore } from "./sqlite/profiles.js";
import { SqliteJobQueue } from "./sqlite/queue.js";
import { FileUserLocks } from "./sqlite/user-locks.js";

/** What long-term memory is kept in: the memories, the memory map and the profiles, on one backend. */
interface Stores {
  memories: MemoryStore;
  entities: EntityStore;
  profiles: ProfileStore;
}

/**
 * The one place a backend is chosen from settings: Qdrant when QDRANT_URL is set (or
 * MEMORY_STORE=qdrant), the embedded SQLite file otherwise (one connection to `memory.db`, shared
 * by its three stores), process memory for MEMORY_STORE=memory.
 */
export async function createStores(settings: Settings): Promise<Stores> {
  const kind = settings.MEMORY_STORE === "auto" ? (settings.QDRANT_URL ? "qdrant" : "sqlite") : settings.MEMORY_STORE;
  switch (kind) {
    case "memory":
      return {
        memories: new InMemoryMemoryStore(),
        entities: new InMemoryEntityStore(),
        profiles: new InMemoryProfileStore(),
      };
    case "sqlite": {
      const file = join(settings.DATA_DIR, "memory.db");
      const memories = new SqliteMemoryStore(file);
      return {
        memories,
        entities: new SqliteEntityStore(file, memories.connection),
        profiles: new SqliteProfileStore(file, memories.connection),
      };
    }
    case "qdrant": {
      if (!settings.QDRANT_URL) {
        throw new Error("MEMORY_STORE=qdrant needs QDRANT_URL (e.g. http://127.0.0.1:6333)");
      }
      const [{ QdrantMemoryStore }, { QdrantEntityStore }, { QdrantProfileStore }] = await Promise.all([
        import("./qdrant/memories.js"),
        import("./qdrant/entities.js"),
        import("./qdrant/profiles.js"),
      ]);
      return {
        memories: QdrantMemoryStore.fromSettings(settings),
        entities: QdrantEntityStore.fromSettings(settings),
        profiles: QdrantProfileStore.fromSettings(settings),
      };
    }
  }
}

/**
 * Where the processes of the product meet, the memory update queue: in PostgreSQL with
 * DATABASE_URL (every app server on every machine), else a file of DATA_DIR of its own (it takes a
 * turn's update exactly when the memory store cannot), shared by the processes of one machine.
 */
export function createJobQueue(settings: Settings): JobQueue {
  if (settings.DATABASE_URL) return new PostgresJobQueue(settings.DATABASE_URL);
  return new SqliteJobQueue(join(settings.DATA_DIR, "queue.db"));
}

/** The per-user write lock, beside the queue: PostgreSQL with DATABASE_URL, else `DATA_DIR/locks.db`. */
export function createUserLocks(settings: Settings): UserLockRunner & { close(): void | Promise<void> } {
  if (settings.DATABASE_URL) return new PostgresUserLocks(settings.DATABASE_URL);
  return new FileUserLocks(join(settings.DATA_DIR, "locks.db"));
}
