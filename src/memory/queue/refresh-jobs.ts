import type { JobPayload, JobQueue } from "./types.js";

/** The queue job that remakes a user's profile; it carries no turn. */
const PROFILE_REFRESH: JobPayload = { kind: "profile refresh", input: [], options: {} };

export function isProfileRefresh(payload: JobPayload): boolean {
  return payload.kind === PROFILE_REFRESH.kind;
}

/**
 * Queues a profile refresh for the user unless one is already waiting: a burst of memory updates
 * gives one refresh. A user's jobs run in the order queued, so a refresh queued behind the burst's
 * first update runs after its last one, and sees every change. Called while the user's update
 * holds the job queue's head of that user, so two updates cannot both miss each other's refresh.
 */
export async function queueProfileRefresh(queue: Pick<JobQueue, "enqueue" | "list">, userId: string): Promise<boolean> {
  const waiting = await queue.list({ userId, state: "queued", limit: 10_000 });
  if (waiting.some((job) => isProfileRefresh(job.payload))) return false;
  await queue.enqueue(userId, PROFILE_REFRESH);
  return true;
}
