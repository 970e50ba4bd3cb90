import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteMemoryStore } from "../../src/stores/sqlite.js";
import type { MemoryStore } from "../../src/memory/store.js";

/** A store opened for one benchmark run, and how to throw it away afterwards. */
export interface BenchStore {
  store: MemoryStore;
  dispose: () => Promise<void>;
}

/** The embedded SQLite store (the product's default) on a fresh temporary file. */
export async function openEmbeddedStore(): Promise<BenchStore> {
  const dir = mkdtempSync(join(tmpdir(), "bench-sqlite-"));
  const store = new SqliteMemoryStore(join(dir, "memory.db"));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
