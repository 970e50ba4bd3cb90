/**
 * Reinforcement: memories given to an answer are counted as used (useCount, lastUsedAt), which
 * resets their decay (memory/recency.ts). The write is scheduled after the current turn's work,
 * never awaited by the answer, and a failure is logged, never thrown: a turn does not fail, or
 * wait, because its use could not be recorded.
 */
import type { Logger } from "../logger.js";
import type { MemoryStore } from "./store.js";

export class UseRecorder {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: () => Promise<MemoryStore>,
    private readonly log: Logger,
    private readonly now: () => Date,
  ) {}

  /** Records one use of each memory in the background. */
  note(userId: string, ids: string[]): void {
    if (ids.length === 0) return;
    const at = this.now().toISOString();
    const write = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        await (await this.store()).recordUse(userId, ids, at);
      })
      .catch((error: unknown) =>
        this.log.warn("memory use not recorded", { error: (error as Error).message, memories: ids.length }),
      )
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  /** Waits for the uses still being written (before the store closes). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
