import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EntityStore } from "../../src/memory/entities/store.js";
import { SqliteEntityStore } from "../../src/stores/sqlite/entities.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import type { MemoryStore } from "../../src/memory/store.js";

/** A store opened for one benchmark run, and how to throw it away afterwards. */
export interface BenchStore {
  store: MemoryStore;
  /** The memory map in the same file, as the product keeps it. */
  entities?: EntityStore;
  dispose: () => Promise<void>;
}

/** The embedded SQLite store (the product's default) on a fresh temporary file. */
export async function openEmbeddedStore(): Promise<BenchStore> {
  const dir = mkdtempSync(join(tmpdir(), "bench-sqlite-"));
  const store = new SqliteMemoryStore(join(dir, "memory.db"));
  const entities = new SqliteEntityStore(join(dir, "memory.db"));
  return {
    store,
    entities,
    dispose: async () => {
      await entities.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
