/**
 * Memory updates after the answer, off the run: the updateMemory node hands each turn to this
 * worker, which writes it to the durable outbox (fsynced) at once and stores it afterwards, in
 * order, one at a time. The run, and the dev server's answer stream, end without waiting for the
 * model's extraction. A job leaves the outbox only once stored, so a crash, a kill or an
 * unreachable store loses nothing: what is left is stored by the next worker on the same file
 * (`engine.add` is idempotent for the same source message).
 */
import type { Logger } from "../logger.js";
import type { ChatTurnMessage, AddOptions } from "./api.js";
import { ChatModelMissingError, type MemoryEngine } from "./engine.js";
import { TenantViolationError } from "./filter.js";
import type { FileOutbox, OutboxEntry } from "./outbox.js";
import type { MemoryChange } from "./types.js";
import { InvalidInputError } from "./validation.js";

/** How many threads' and jobs' last outcomes are kept for callers that ask later. */
const MAX_REMEMBERED = 10_000;

export interface MemoryJobResult {
  jobId: string;
  /** stored: done (possibly nothing new); pending: the model's output was unusable, kept for
   *  reprocessing; queued: the store is unreachable, the job waits in the outbox; failed: the
   *  input itself is invalid, the job was dropped; unknown: no such job here (see result()). */
  status: "stored" | "pending" | "queued" | "failed" | "unknown";
  changes: MemoryChange[];
  error?: string;
  threadId?: string;
}

export interface MemoryWorkerOptions {
  memory: () => Promise<MemoryEngine>;
  outbox: FileOutbox;
  logger: Logger;
  /** First wait before retrying an unreachable store; doubles up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class MemoryWorker {
  private draining?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private retryMs: number;
  private closed = false;
  private kickedWhileDraining = false;
  private readonly waiters = new Map<string, Array<(r: MemoryJobResult) => void>>();
  private readonly lastByThread = new Map<string, MemoryJobResult>();
  /** Recent outcomes by job, for a caller that asks after the job finished. */
  private readonly finished = new Map<string, MemoryJobResult>();

  constructor(private readonly o: MemoryWorkerOptions) {
    this.retryMs = o.retryBaseMs ?? 1_000;
  }

  /** Stores whatever a previous process left in the outbox. */
  start(): void {
    if (this.o.outbox.size > 0) this.kick();
  }

  /**
   * Queues a turn durably (fsynced) and returns at once; `result` settles when it was stored (or
   * could not be). Input `engine.add` would refuse throws InvalidInputError here, never queued.
   */
  enqueue(input: ChatTurnMessage[], options: AddOptions): { jobId: string; result: Promise<MemoryJobResult> } {
    if (this.closed) throw new Error("The memory worker is closed; no more memory updates are accepted");
    const entry = this.o.outbox.append(input, options, "scheduled");
    const result = this.wait(entry.id);
    this.kick();
    return { jobId: entry.id, result };
  }

  /**
   * Settles with the job's outcome (the first outcome: "queued" if the store is down). A job this
   * worker never saw and that is not in the outbox settles at once as "unknown".
   */
  result(jobId: string): Promise<MemoryJobResult> {
    const known = this.finished.get(jobId);
    if (known) return Promise.resolve(known);
    if (!this.waiters.has(jobId) && !this.o.outbox.list().some((e) => e.id === jobId)) {
      const error = `No memory update job ${jobId} in this process or its outbox: it finished long ago, in another process, or was never queued`;
      return Promise.resolve({ jobId, status: "unknown", changes: [], error });
    }
    return this.wait(jobId);
  }

  private wait(jobId: string): Promise<MemoryJobResult> {
    return new Promise((resolve) => this.waiters.set(jobId, [...(this.waiters.get(jobId) ?? []), resolve]));
  }

  /** What the last finished job of a thread did: the next turn shows it in its state. */
  lastResultForThread(threadId: string | undefined): MemoryJobResult | undefined {
    return threadId ? this.lastByThread.get(threadId) : undefined;
  }

  /** Jobs still in the outbox (waiting, or waiting for the store). */
  get backlog(): number {
    return this.o.outbox.size;
  }

  /** Resolves once the queue is empty, or blocked on an unreachable store until the next retry. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops retrying and waits for the job in hand; queued jobs stay on disk for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.idle();
  }

  private kick(): void {
    if (this.closed && !this.draining) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.draining) {
      // The drain may already have seen an empty queue and be about to end: it starts again.
      this.kickedWhileDraining = true;
      return;
    }
    this.draining = this.drain()
      .catch((error) => {
        // The outbox file itself failed (disk full, lock held elsewhere): jobs stay as they are.
        const message = (error as Error).message;
        this.o.logger.error("memory worker: the outbox could not be read or changed", { error: message });
        this.scheduleRetry(message);
      })
      .finally(() => {
        this.draining = undefined;
        if (this.kickedWhileDraining && !this.closed) this.kick();
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      // Everything enqueued so far is in the list read next.
      this.kickedWhileDraining = false;
      const [entry] = this.o.outbox.list();
      if (!entry) return;
      const outcome = await this.store(entry);
      if (outcome.status === "queued") {
        // Every job behind this one waits for the same store: tell their callers now.
        for (const waiting of this.o.outbox.list()) {
          if (this.waiters.has(waiting.id)) this.settle(waiting, { ...outcome, jobId: waiting.id, threadId: waiting.options.threadId });
        }
        this.scheduleRetry(outcome.error!);
        // Jobs enqueued meanwhile were just told; the retry timer covers them.
        this.kickedWhileDraining = false;
        return;
      }
      this.o.outbox.remove([entry.id]);
      this.retryMs = this.o.retryBaseMs ?? 1_000;
      this.settle(entry, outcome);
      if (this.closed) return;
    }
  }

  private async store(entry: OutboxEntry): Promise<MemoryJobResult> {
    const base = { jobId: entry.id, threadId: entry.options.threadId };
    try {
      const engine = await this.o.memory();
      const result = await engine.add(entry.input, entry.options);
      if (result.pending) return { ...base, status: "pending", changes: result.changes, error: result.pending.error };
      return { ...base, status: "stored", changes: result.changes };
    } catch (error) {
      const message = (error as Error).message;
      // No chat model yet (e.g. a process that does not chat): the job waits for one that does.
      if (error instanceof ChatModelMissingError) return { ...base, status: "queued", changes: [], error: message };
      if (error instanceof InvalidInputError || error instanceof TenantViolationError) {
        // Retrying would fail the same way forever and hold up every later job.
        this.o.logger.error("memory update dropped: its input is invalid", { jobId: entry.id, error: message });
        return { ...base, status: "failed", changes: [], error: message };
      }
      return { ...base, status: "queued", changes: [], error: message };
    }
  }

  private settle(entry: OutboxEntry, result: MemoryJobResult): void {
    if (result.threadId && result.status !== "queued") {
      this.lastByThread.delete(result.threadId);
      this.lastByThread.set(result.threadId, result);
      // Only recent threads matter (their next turn shows it): the oldest go first.
      if (this.lastByThread.size > MAX_REMEMBERED) this.lastByThread.delete(this.lastByThread.keys().next().value!);
    }
    this.finished.set(entry.id, result);
    if (this.finished.size > MAX_REMEMBERED) this.finished.delete(this.finished.keys().next().value!);
    for (const resolve of this.waiters.get(entry.id) ?? []) resolve(result);
    this.waiters.delete(entry.id);
  }

  private scheduleRetry(error: string): void {
    if (this.closed) return;
    this.o.logger.warn("memory store unreachable; queued updates will be retried", { retryInMs: this.retryMs, backlog: this.backlog, error });
    this.retryTimer = setTimeout(() => this.kick(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, this.o.retryMaxMs ?? 60_000);
  }
}
