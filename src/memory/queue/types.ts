import type { AddOptions, ChatTurnMessage } from "../api.js";
import type { MemoryChange } from "../types.js";

/** queued: waits for its turn (or its next attempt); running: a worker has it; done; dead: given up on. */
export type JobState = "queued" | "running" | "done" | "dead";
export const JOB_STATES: readonly JobState[] = ["queued", "running", "done", "dead"];

/**
 * What a job stores: for a memory update, the turn and the options `engine.add` gets (userId
 * apart); a profile refresh (`kind`, src/memory/profile/refresh-jobs.ts) carries no turn.
 */
export interface JobPayload {
  /** Absent: a memory update. */
  kind?: "profile refresh";
  input: ChatTurnMessage[];
  options: Omit<AddOptions, "userId">;
}

/** One memory update, from enqueue to done. */
export interface MemoryJob {
  id: string;
  userId: string;
  payload: JobPayload;
  state: JobState;
  /** Tries started so far (a try cut short by a crash counts). */
  attempts: number;
  /** Not tried again before this time (ISO). */
  nextAttemptAt: string;
  /** Why the last try failed, redacted as the logger redacts. */
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  /** What a finished job changed (state done). */
  changes: MemoryChange[] | null;
}

/** The most jobs one `list` returns unless told otherwise. */
export const JOB_LIST_LIMIT = 1000;

export interface ListJobsOptions {
  userId?: string;
  state?: JobState;
  /** JOB_LIST_LIMIT when omitted. */
  limit?: number;
}

/**
 * The durable queue of memory updates, shared by every process on one DATA_DIR. Claims are
 * atomic: a job is run by one worker at a time, and a user's jobs one after the other, in order
 * (a dead job no longer holds up the user's later jobs). A running job whose worker died, or whose
 * lease ran out, is claimed again. Async so that a server-backed queue (Postgres) fits the same shape.
 */
export interface JobQueue {
  /** Adds a job; `id` makes it idempotent (the same id is never queued twice). */
  enqueue(userId: string, payload: JobPayload, id?: string): Promise<MemoryJob>;
  /** The next job that may run now (state running from here on, attempts + 1), or undefined. */
  claim(owner: string, leaseMs: number): Promise<MemoryJob | undefined>;
  /** Keeps a running job's lease alive; false when the job is no longer this owner's. */
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  complete(id: string, owner: string, changes: MemoryChange[]): Promise<void>;
  /** Back to queued, tried again at `nextAttemptAt`. */
  retryLater(id: string, owner: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** Gives up on the job: state dead. */
  bury(id: string, owner: string, error: string): Promise<void>;
  get(id: string): Promise<MemoryJob | undefined>;
  list(options?: ListJobsOptions): Promise<MemoryJob[]>;
  /** Dead (or waiting) jobs back to queued, due now, attempts reset; returns the ids. */
  retry(selection: { id?: string; userId?: string }): Promise<string[]>;
  /** Removes a job that is not running; returns false when there is no such job (of this user). */
  drop(id: string, userId?: string): Promise<boolean>;
  /** Makes the user's queued jobs due now: a new update of the user is a reason to try its waiting ones again. */
  nudge(userId: string): Promise<void>;
  /** Jobs not finished yet (queued or running), over every process. */
  backlog(userId?: string): Promise<number>;
  /** When the earliest claimable job (the head of its user) becomes due (ms since epoch), or undefined. */
  nextDueAt(): Promise<number | undefined>;
  /** Erases every job of the user (forgetting a user forgets their queued updates too). */
  forgetUser(userId: string): Promise<number>;
  /** Removes done jobs finished before `before`. */
  prune(before: Date): Promise<number>;
  close(): Promise<void>;
}

/**
 * What the worker needs of the memory engine, which implements it: the worker depends on this,
 * not on the engine (engine.ts queues jobs through the JobQueue above).
 */
export interface MemoryUpdater {
  add(
    input: ChatTurnMessage[],
    options: AddOptions,
    control: { signal?: AbortSignal },
  ): Promise<{ changes: MemoryChange[] }>;
  /** Remakes a user's profile (a "profile refresh" job); absent on an engine without profiles. */
  readonly profiles?: {
    refresh(userId: string, signal?: AbortSignal): Promise<{ source: string | null; memoryCount: number }>;
  };
}
