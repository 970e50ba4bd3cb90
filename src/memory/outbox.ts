import { randomUUID } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { AddOptions, ChatTurnMessage } from "./api.js";
import type { MemoryEngine } from "./engine.js";

/** A memory update that could not reach the store, kept on disk until it can. */
export interface OutboxEntry {
  id: string;
  input: ChatTurnMessage[];
  options: AddOptions;
  error: string;
  queuedAt: string;
  attempts: number;
}

export interface ReplayResult {
  replayed: number;
  remaining: number;
}

/**
 * A durable outbox for memory updates, in a file of its own (JSON lines, fsynced on append), so it
 * works exactly when the memory store does not. Replayed in order once the store answers again;
 * `add` is idempotent (same source message, same facts → no new memory), so an entry replayed
 * after a partial write stores each fact once.
 */
export class FileOutbox {
  private replaying?: Promise<ReplayResult>;

  constructor(readonly path: string) {}

  append(input: ChatTurnMessage[], options: AddOptions, error: string): OutboxEntry {
    const entry: OutboxEntry = { id: randomUUID(), input, options, error, queuedAt: new Date().toISOString(), attempts: 0 };
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, "a");
    try {
      writeSync(fd, JSON.stringify(entry) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return entry;
  }

  list(): OutboxEntry[] {
    if (!existsSync(this.path)) return [];
    const entries: OutboxEntry[] = [];
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line));
      } catch {
        // A line torn by a crash mid-append carries no complete update; the rest still replay.
      }
    }
    return entries;
  }

  get size(): number {
    return this.list().length;
  }

  /** Removes entries by id (after they were stored), keeping everything else in order. */
  remove(ids: string[]): number {
    const gone = new Set(ids);
    const entries = this.list();
    return this.rewrite(entries.filter((e) => !gone.has(e.id)), new Set(entries.map((e) => e.id)));
  }

  /** Replays queued updates in order; stops at the first that still fails. One replay at a time. */
  replay(engine: MemoryEngine): Promise<ReplayResult> {
    this.replaying ??= this.replayOnce(engine).finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  private async replayOnce(engine: MemoryEngine): Promise<ReplayResult> {
    const entries = this.list();
    let done = 0;
    for (const entry of entries) {
      try {
        await engine.add(entry.input, entry.options);
        done++;
      } catch (error) {
        entry.attempts++;
        entry.error = (error as Error).message;
        break;
      }
    }
    const remaining = this.rewrite(entries.slice(done), new Set(entries.map((e) => e.id)));
    return { replayed: done, remaining };
  }

  /**
   * Writes the still-queued entries plus any appended while the replay ran (synchronously, so
   * nothing in this process can append in between); returns how many are left.
   */
  private rewrite(kept: OutboxEntry[], seen: Set<string>): number {
    const entries = [...kept, ...this.list().filter((e) => !seen.has(e.id))];
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, entries.map((e) => JSON.stringify(e) + "\n").join(""));
    const fd = openSync(tmp, "r");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    return entries.length;
  }
}
