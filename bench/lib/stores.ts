import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryMemoryStore } from "../../src/stores/in-memory.js";
import type { MemoryStore } from "../../src/stores/types.js";

/** A store opened for one benchmark run, and how to throw it away afterwards. */
export interface BenchStore {
  store: MemoryStore;
  dispose: () => Promise<void>;
}

/**
 * The embedded SQLite store on a fresh temporary file.
 * TEMPORARY: falls back to the in-memory store until src/stores/sqlite.ts lands.
 */
export async function openEmbeddedStore(): Promise<BenchStore> {
  const module = "../../src/stores/sqlite.js";
  try {
    const { SqliteMemoryStore } = (await import(module)) as { SqliteMemoryStore: new (path: string) => MemoryStore };
    const dir = mkdtempSync(join(tmpdir(), "bench-sqlite-"));
    const store = new SqliteMemoryStore(join(dir, "memory.db"));
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    const store = new InMemoryMemoryStore();
    return { store, dispose: () => store.close() };
  }
}
