/**
 * One writer per user at a time, in this process. A memory update reads the user's memories,
 * asks the model, then writes: two updates of one user interleaving there would both miss the
 * other's new fact and store it twice. Different users never wait for each other.
 */
export class UserLocks implements UserLockRunner {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(userId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.tails.set(userId, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last waiter cleans up, so the map holds only users with work in flight.
      if (this.tails.get(userId) === tail) this.tails.delete(userId);
    }
  }
}

/**
 * How long an update waits for another process's lock on its user before it fails (and the worker
 * retries it), unless a backend is told otherwise.
 */
export const USER_LOCK_WAIT_MS = 5 * 60_000;

/** Runs work holding a per-user write lock (the engine's `userLocks`). */
export interface UserLockRunner {
  run<T>(userId: string, work: () => Promise<T>): Promise<T>;
}
