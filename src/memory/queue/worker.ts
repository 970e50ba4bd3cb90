/**
 * The one driver of memory updates. Every update is a job in the durable queue (JobQueue) from
 * enqueue to done; this worker claims jobs, runs them through `engine.add` with a deadline, and
 * applies the retry policy (retry-policy.ts) to failures. Background mode enqueues and returns;
 * inline mode enqueues and waits for the job's first outcome (`run`). Jobs of different users run
 * side by side (up to `concurrency`); a user's jobs run in order, one at a time, in whichever
 * process claims them. A crash, a kill or an unreachable store loses nothing: the job stays in
 * the queue until it is stored (`engine.add` is idempotent for the same source message).
 */
import { createHash, randomUUID } from "node:crypto";
import type { Logger } from "../../logger.js";
import type { AddOptions, ChatTurnMessage } from "../api.js";
import { traced } from "../../tracing/traced.js";
import type { MemoryChange } from "../types.js";
import { toIsoTime, validateMetadata, validateUserId } from "../validation.js";
import { isProfileRefresh } from "./refresh-jobs.js";
import { backoffMs, classifyFailure, type FailureClass } from "./retry-policy.js";
import type { JobQueue, MemoryJob, MemoryUpdater } from "./types.js";
import { AppError } from "../../util/errors.js";

/** How many threads' and jobs' last outcomes are kept for callers that ask later. */
const MAX_REMEMBERED = 10_000;
/** Shortest wait between two looks at the queue, so nothing can turn the schedule into a spin. */
const MIN_WAIT_MS = 5;

export interface MemoryJobResult {
  jobId: string;
  /**
   * stored: done (possibly nothing new); retrying: a try failed for a reason that may clear
   * (store down, model timeout), the job is tried again later; queued: waiting behind an earlier
   * update of the same user that is retrying; dead: given up on (see `error`), listed by
   * `memories queue list` and retried from there; unknown: no such job.
   */
  status: "stored" | "retrying" | "queued" | "dead" | "unknown";
  changes: MemoryChange[];
  error?: string;
  attempts?: number;
  /** When the next try is due (retrying). */
  nextAttemptAt?: string;
  threadId?: string;
}

export interface MemoryWorkerOptions {
  memory: () => Promise<MemoryUpdater>;
  queue: JobQueue;
  logger: Logger;
  /** First wait before a retry; doubles (with jitter) up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Jobs run at once (always of different users). */
  concurrency?: number;
  /** A job still running after this long is cancelled and retried. */
  jobTimeoutMs?: number;
  /** A claimed job is this worker's for this long, renewed while it runs; then others may take it. */
  leaseMs?: number;
  /** How often the queue is looked at for jobs to take over or retry when nothing wakes the worker. */
  pollMs?: number;
}

export class MemoryWorker {
  private readonly owner = `${process.pid}:${randomUUID()}`;
  private readonly running = new Map<string, Promise<void>>();
  private pumping?: Promise<void>;
  private pumpAgain = false;
  private timer?: NodeJS.Timeout;
  private started = false;
  private closed = false;
  private readonly waiters = new Map<string, Array<(r: MemoryJobResult) => void>>();
  private readonly lastByThread = new Map<string, MemoryJobResult>();
  private readonly known = new Map<string, MemoryJobResult>();
  /** Per job: the failure last logged, so a job retried a hundred times is logged once. */
  private readonly loggedFailure = new Map<string, string>();

  constructor(private readonly o: MemoryWorkerOptions) {}

  get queue(): JobQueue {
    return this.o.queue;
  }

  /** Starts taking jobs, including those a previous process left queued or running. */
  start(): void {
    if (this.closed) return;
    this.started = true;
    this.kick();
  }

  /**
   * Queues a turn durably and returns at once; `result` settles with the job's first outcome.
   * Input `engine.add` would refuse rejects here, never queued. A turn with a source message id
   * is queued once per user and message: delivering it again (a client's retry, to this server
   * or another one, at once or after later turns) names the same job, so it never runs twice and
   * a late retry never undoes the user's newer changes.
   */
  async enqueue(
    input: ChatTurnMessage[],
    options: AddOptions,
  ): Promise<{ jobId: string; result: Promise<MemoryJobResult> }> {
    if (this.closed) throw new Error("The memory worker is closed; no more memory updates are accepted");
    const { userId, ...rest } = checkOptions(options);
    const jobId = rest.sourceId ? messageJobId(userId, rest.sourceId) : randomUUID();
    const result = this.wait(jobId);
    let job: MemoryJob;
    try {
      job = await this.o.queue.enqueue(userId, { input, options: rest }, jobId);
      // Its earlier updates waiting for a retry are tried now, so this one is not held up by their backoff.
      await this.o.queue.nudge(userId);
    } catch (error) {
      this.waiters.delete(jobId);
      throw error;
    }
    // A retried delivery of a message whose update is already finished (here or on another server) gets that outcome.
    const finished = outcomeOf(job);
    if (finished) this.settle(finished);
    // A process that queues updates drives the queue from then on (retries included), started or not.
    this.started = true;
    this.kick();
    return { jobId, result };
  }

  /** Inline mode: queues the turn and waits for its first outcome (stored, retrying, queued or dead). */
  async run(input: ChatTurnMessage[], options: AddOptions): Promise<MemoryJobResult> {
    return (await this.enqueue(input, options)).result;
  }

  /** The job's latest outcome; a job still waiting is waited for (its first outcome). */
  async result(jobId: string): Promise<MemoryJobResult> {
    const known = this.known.get(jobId);
    if (known) return known;
    if (this.waiters.has(jobId) || this.running.has(jobId)) return this.wait(jobId);
    const job = await this.o.queue.get(jobId);
    if (!job) {
      const error = `No memory update job ${jobId}: it was dropped, pruned long after it finished, or never queued`;
      return { jobId, status: "unknown", changes: [], error };
    }
    const settled = outcomeOf(job);
    if (settled) return settled;
    const waiting = this.wait(jobId);
    // Run by this process if it can; otherwise the poll sees another process finish it.
    this.kick();
    return waiting;
  }

  /** Dead (or waiting) jobs back to the queue, due now: one by id, or all of a user, or all. */
  async retry(selection: { id?: string; userId?: string }): Promise<string[]> {
    const ids = await this.o.queue.retry(selection);
    for (const id of ids) this.known.delete(id);
    this.kick();
    return ids;
  }

  /** Removes a job that is not running (of this user, when one is named). */
  drop(id: string, userId?: string): Promise<boolean> {
    this.known.delete(id);
    return this.o.queue.drop(id, userId);
  }

  /** What the last finished job of a thread did: the next turn shows it in its state. */
  lastResultForThread(threadId: string | undefined): MemoryJobResult | undefined {
    return threadId ? this.lastByThread.get(threadId) : undefined;
  }

  /** Jobs not finished yet (queued or running), over every process on this queue. */
  backlog(userId?: string): Promise<number> {
    return this.o.queue.backlog(userId);
  }

  /** Resolves once nothing runs here and nothing this worker could run is due now. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.pumping) await this.pumping;
      else if (this.running.size) await Promise.allSettled([...this.running.values()]);
      else {
        if (this.closed) return;
        // One more look: a job due now, or one a dead process left running.
        this.kick();
        if (this.pumping) await this.pumping;
        if (this.running.size === 0) return;
      }
    }
  }

  /** Stops taking jobs and waits for those in hand; the rest stay queued for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    while (this.pumping || this.running.size) {
      if (this.pumping) await this.pumping;
      await Promise.allSettled([...this.running.values()]);
    }
  }

  private wait(jobId: string): Promise<MemoryJobResult> {
    return new Promise((resolve) => this.waiters.set(jobId, [...(this.waiters.get(jobId) ?? []), resolve]));
  }

  private kick(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pumping = this.pump()
      .catch((error) => {
        // The queue itself failed (disk full, database locked for long): jobs stay as they are.
        this.o.logger.error("memory worker: the queue could not be read or changed", {
          error: (error as Error).message,
        });
      })
      .finally(() => {
        this.pumping = undefined;
        if (this.pumpAgain) this.kick();
        else void this.schedule();
      });
  }

  private async pump(): Promise<void> {
    do {
      this.pumpAgain = false;
      while (!this.closed && this.running.size < (this.o.concurrency ?? 4)) {
        const job = await this.o.queue.claim(this.owner, this.leaseMs);
        if (!job) break;
        const run = this.runJob(job).finally(() => {
          this.running.delete(job.id);
          this.kick();
        });
        this.running.set(job.id, run);
      }
    } while (this.pumpAgain && !this.closed);
  }

  /** Wakes up for the next retry that falls due, or to look for jobs of dead processes and other processes' results. */
  private async schedule(): Promise<void> {
    if (this.closed || this.timer) return;
    const waitingElsewhere = [...this.waiters.keys()].filter((id) => !this.running.has(id));
    // A worker that was not started (a process that only queues) polls only for results it waits on.
    if (!this.started && waitingElsewhere.length === 0) return;
    try {
      for (const id of waitingElsewhere) {
        const job = await this.o.queue.get(id);
        const outcome = job && outcomeOf(job);
        if (outcome) this.settle(outcome);
      }
      const poll = this.o.pollMs ?? 1_000;
      // Busy to the limit: a finishing job wakes the worker; the poll only looks for takeovers.
      const full = this.running.size >= (this.o.concurrency ?? 4);
      const due = full ? undefined : await this.o.queue.nextDueAt();
      const wait = due === undefined ? poll : Math.max(MIN_WAIT_MS, Math.min(poll, due - Date.now()));
      if (this.closed || this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, wait);
      this.timer.unref();
    } catch (error) {
      this.o.logger.error("memory worker: the queue could not be read", { error: (error as Error).message });
      // A queue server that is down now (PostgreSQL) is looked at again: nothing else may wake this worker.
      if (this.closed || this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, this.o.pollMs ?? 1_000);
      this.timer.unref();
    }
  }

  private get leaseMs(): number {
    return this.o.leaseMs ?? 60_000;
  }

  private async runJob(job: MemoryJob): Promise<void> {
    const base = { jobId: job.id, threadId: job.payload.options.threadId, attempts: job.attempts };
    const jobTimeoutMs = this.o.jobTimeoutMs ?? 10 * 60_000;
    const cancel = new AbortController();
    const deadline = setTimeout(() => cancel.abort(new JobTimeoutError(jobTimeoutMs)), jobTimeoutMs);
    const heartbeat = setInterval(
      () => {
        this.o.queue.renew(job.id, this.owner, this.leaseMs).then(
          (mine) => mine || cancel.abort(new Error("another worker took this job over (its lease ran out)")),
          () => undefined,
        );
      },
      Math.max(10, this.leaseMs / 3),
    );
    heartbeat.unref();
    let changes: MemoryChange[];
    try {
      const engine = await this.o.memory();
      const result = isProfileRefresh(job.payload)
        ? await refreshProfile(engine, job, cancel.signal)
        : await traced(
            "memory job",
            { jobId: job.id, userId: job.userId, attempts: job.attempts },
            () =>
              engine.add(job.payload.input, { ...job.payload.options, userId: job.userId }, { signal: cancel.signal }),
            (done) => ({ changes: done.changes }),
          );
      changes = result.changes;
    } catch (error) {
      const failure = classifyFailure(cancel.signal.aborted ? cancel.signal.reason : error);
      await this.failed(job, base, failure);
      return;
    } finally {
      clearTimeout(deadline);
      clearInterval(heartbeat);
    }
    try {
      await this.o.queue.complete(job.id, this.owner, changes);
    } catch (error) {
      // Stored, but still marked running: its lease runs out and a later try stores nothing twice.
      this.o.logger.error("memory worker: a stored update could not be marked done", {
        jobId: job.id,
        error: (error as Error).message,
      });
    }
    if (this.loggedFailure.delete(job.id))
      this.o.logger.info("memory update stored after retries", { jobId: job.id, attempts: job.attempts });
    this.settle({ ...base, status: "stored", changes });
  }

  private async failed(
    job: MemoryJob,
    base: Pick<MemoryJobResult, "jobId" | "threadId" | "attempts">,
    failure: FailureClass,
  ): Promise<void> {
    if (job.attempts < failure.maxAttempts) {
      const nextAttemptAt = new Date(
        Date.now() +
          backoffMs(job.attempts, { baseMs: this.o.retryBaseMs ?? 1_000, maxMs: this.o.retryMaxMs ?? 60_000 }),
      );
      await this.o.queue.retryLater(job.id, this.owner, failure.reason, nextAttemptAt).catch((error) => {
        this.o.logger.error("memory worker: a failed update could not be rescheduled", {
          jobId: job.id,
          error: (error as Error).message,
        });
      });
      const logged = `${failure.kind}:${failure.reason}`;
      const fields = {
        jobId: job.id,
        attempts: job.attempts,
        kind: failure.kind,
        reason: failure.reason,
        nextAttemptAt: nextAttemptAt.toISOString(),
      };
      if (this.loggedFailure.get(job.id) === logged)
        this.o.logger.debug("memory update failed again; retrying", fields);
      else this.o.logger.warn("memory update failed; it will be retried", fields);
      this.loggedFailure.set(job.id, logged);
      this.settle({
        ...base,
        status: "retrying",
        changes: [],
        error: failure.reason,
        nextAttemptAt: nextAttemptAt.toISOString(),
      });
      await this.tellQueuedBehind(job, failure.reason);
      return;
    }
    await this.o.queue.bury(job.id, this.owner, failure.reason).catch((error) => {
      this.o.logger.error("memory worker: a failed update could not be marked dead", {
        jobId: job.id,
        error: (error as Error).message,
      });
    });
    this.loggedFailure.delete(job.id);
    this.o.logger.error("memory update is dead: it will not be retried on its own", {
      jobId: job.id,
      attempts: job.attempts,
      kind: failure.kind,
      reason: failure.reason,
      fix: `npx memories queue retry ${job.id} --user <user>, once the cause is fixed`,
    });
    this.settle({ ...base, status: "dead", changes: [], error: failure.reason });
  }

  /** Callers waiting on later jobs of the same user learn now that theirs waits too. */
  private async tellQueuedBehind(head: MemoryJob, reason: string): Promise<void> {
    const waitingIds = [...this.waiters.keys()];
    if (waitingIds.length === 0) return;
    const behind = await this.o.queue.list({ userId: head.userId, state: "queued" }).catch(() => []);
    for (const job of behind) {
      if (job.id === head.id || !this.waiters.has(job.id)) continue;
      this.settle({
        jobId: job.id,
        threadId: job.payload.options.threadId,
        status: "queued",
        changes: [],
        error: `waiting behind an earlier update that is retrying: ${reason}`,
      });
    }
  }

  private settle(result: MemoryJobResult): void {
    if (result.threadId && result.status !== "queued") {
      this.lastByThread.delete(result.threadId);
      this.lastByThread.set(result.threadId, result);
      // Only recent threads matter (their next turn shows it): the oldest go first.
      if (this.lastByThread.size > MAX_REMEMBERED) this.lastByThread.delete(this.lastByThread.keys().next().value!);
    }
    this.known.delete(result.jobId);
    this.known.set(result.jobId, result);
    if (this.known.size > MAX_REMEMBERED) this.known.delete(this.known.keys().next().value!);
    for (const resolve of this.waiters.get(result.jobId) ?? []) resolve(result);
    this.waiters.delete(result.jobId);
  }
}

/** A job ran longer than the worker allows (jobTimeoutMs): cancelled, and retried. */
class JobTimeoutError extends AppError {
  readonly code = "model_timeout";
  override readonly retryable = true;
  constructor(ms: number) {
    super(`the update took longer than ${Math.round(ms / 1000)} s and was cancelled`);
  }
}

/** A profile refresh job (queued by the engine when memories change): it changes no memory. */
async function refreshProfile(
  engine: MemoryUpdater,
  job: MemoryJob,
  signal: AbortSignal,
): Promise<{ changes: MemoryChange[] }> {
  const profiles = engine.profiles;
  if (profiles) {
    await traced(
      "profile refresh",
      { jobId: job.id, userId: job.userId, attempts: job.attempts },
      () => profiles.refresh(job.userId, signal),
      (p) => ({ source: p.source, memoryCount: p.memoryCount }),
    );
  }
  return { changes: [] };
}

/** The outcome of a job another process (or an earlier run) finished, or undefined while it is not finished. */
function outcomeOf(job: MemoryJob): MemoryJobResult | undefined {
  const base = { jobId: job.id, threadId: job.payload.options.threadId, attempts: job.attempts };
  if (job.state === "done") return { ...base, status: "stored", changes: job.changes ?? [] };
  if (job.state === "dead") return { ...base, status: "dead", changes: [], error: job.lastError ?? undefined };
  return undefined;
}

/**
 * The job of a user's message: a UUID-shaped digest of (user id, message id), the same on every
 * server, so the queue's idempotent enqueue keeps one job per message.
 */
function messageJobId(userId: string, sourceId: string): string {
  const hex = createHash("sha256")
    .update(JSON.stringify([userId, sourceId]))
    .digest("hex");
  const variant = (8 | (parseInt(hex[16], 16) & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The checks `engine.add` makes before any work, so a job that would fail forever is never queued. */
function checkOptions(options: AddOptions): AddOptions {
  validateUserId(options.userId);
  validateMetadata(options.metadata);
  toIsoTime(options.time, new Date());
  return options;
}
