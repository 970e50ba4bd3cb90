import { randomUUID } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { AddOptions, ChatTurnMessage } from "./api.js";
import type { MemoryEngine } from "./engine.js";
import { toIsoTime, validateMetadata, validateUserId } from "./validation.js";

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
 * after a partial write stores each fact once. Every change of the file (append, removal) holds a
 * lock file next to it, so two processes on one DATA_DIR never lose each other's entries.
 */
export class FileOutbox {
  private replaying?: Promise<ReplayResult>;
  /** Entries written ahead by a turn of this process that is storing them right now (inline mode). */
  private readonly inFlight = new Set<string>();

  constructor(readonly path: string) {}

  /** Queues an update; options `engine.add` would refuse throw InvalidInputError (never queued). */
  append(input: ChatTurnMessage[], options: AddOptions, error: string): OutboxEntry {
    checkOptions(options);
    const entry: OutboxEntry = { id: randomUUID(), input, options, error, queuedAt: new Date().toISOString(), attempts: 0 };
    mkdirSync(dirname(this.path), { recursive: true });
    this.locked(() => {
      const fd = openSync(this.path, "a");
      try {
        writeSync(fd, JSON.stringify(entry) + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    });
    return entry;
  }

  /**
   * Writes a turn's update ahead of storing it (inline mode): if the process dies before `done`,
   * the entry is still queued and the next replay stores it. This process's own replays and
   * `list()` skip it while it is in flight.
   */
  writeAhead(input: ChatTurnMessage[], options: AddOptions): OutboxEntry {
    const entry = this.append(input, options, "in progress: being stored by the turn that queued it");
    this.inFlight.add(entry.id);
    return entry;
  }

  /** The turn is finished with a written-ahead entry: removed (stored, or invalid input) or left queued. */
  done(id: string, outcome: "remove" | "keep", error?: string): void {
    this.inFlight.delete(id);
    if (outcome === "remove") {
      this.remove([id]);
      return;
    }
    if (error === undefined) return;
    // Say why it is still queued (it was written as "in progress").
    this.locked(() => {
      const entries = this.read();
      for (const e of entries) if (e.id === id) Object.assign(e, { error, attempts: e.attempts + 1 });
      this.rewrite(entries, new Set(entries.map((e) => e.id)));
    });
  }

  /** Queued entries in order, without the ones a turn of this process is storing right now. */
  list(): OutboxEntry[] {
    return this.read().filter((e) => !this.inFlight.has(e.id));
  }

  private read(): OutboxEntry[] {
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
    return this.locked(() => {
      const entries = this.read();
      return this.rewrite(entries.filter((e) => !gone.has(e.id)), new Set(entries.map((e) => e.id)));
    });
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
    const seen = new Set(entries.map((e) => e.id));
    const remaining = this.locked(() => this.rewrite(entries.slice(done), seen));
    return { replayed: done, remaining };
  }

  /**
   * Writes the still-queued entries plus any appended while the replay ran (under the lock, so
   * nothing can append in between); returns how many are left
   * (not counting entries a turn of this process is storing).
   */
  private rewrite(kept: OutboxEntry[], seen: Set<string>): number {
    const entries = [...kept, ...this.read().filter((e) => !seen.has(e.id))];
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, entries.map((e) => JSON.stringify(e) + "\n").join(""));
    const fd = openSync(tmp, "r");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    return entries.filter((e) => !this.inFlight.has(e.id)).length;
  }

  /**
   * Runs a change of the file holding `<path>.lock` (created exclusively, with this process's id).
   * Changes take milliseconds; a lock whose process is gone, or older than a minute, is stale.
   */
  private locked<T>(change: () => T): T {
    const lock = `${this.path}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const fd = openSync(lock, "wx");
        writeSync(fd, String(process.pid));
        closeSync(fd);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        if (isStale(lock)) {
          rmSync(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `The memory outbox ${this.path} stayed locked by another process for ${LOCK_WAIT_MS / 1000} s; if no other memory chat process is running, delete ${lock}`,
          );
        }
        Atomics.wait(SLEEPER, 0, 0, 2);
      }
    }
    try {
      return change();
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

const LOCK_WAIT_MS = 10_000;
const STALE_LOCK_MS = 60_000;
/** Something to block on for a few milliseconds: the file's changes are synchronous. */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

function isStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, "utf8"));
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) return true;
    // Created but not yet written: its owner is between the two calls.
    if (!pid) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // ESRCH: its process is gone (killed while changing the file). ENOENT: just released.
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ESRCH";
  }
}

/** The checks `engine.add` makes before any work, so an entry that would fail forever is never queued. */
function checkOptions(options: AddOptions): void {
  validateUserId(options.userId);
  validateMetadata(options.metadata);
  toIsoTime(options.time, new Date());
}
