import type { MemoryChange } from "../types.js";
import type { JobState } from "./types.js";

/** Where a claimed job goes when its run ends: the one row update each backend writes in its SQL. */
export interface JobEnd {
  state: JobState;
  error: string | null;
  /** The changes a done job stored, as JSON. */
  changes?: string;
  /** When a job put back in the queue may run again, epoch ms. */
  next?: number;
}

/**
 * The three ways a run ends, the same for every queue backend: each writes one JobEnd for the
 * job it claimed (`owner`), and a backend only says how (`finish`).
 */
export abstract class FinishingQueue {
  protected abstract finish(id: string, owner: string, end: JobEnd): Promise<void>;

  async complete(id: string, owner: string, changes: MemoryChange[]): Promise<void> {
    await this.finish(id, owner, { state: "done", changes: JSON.stringify(changes), error: null });
  }

  async retryLater(id: string, owner: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.finish(id, owner, { state: "queued", error, next: nextAttemptAt.getTime() });
  }

  async bury(id: string, owner: string, error: string): Promise<void> {
    await this.finish(id, owner, { state: "dead", error });
  }
}
