/**
 * Upgrading loses nothing: what older versions kept outside the queue is imported into it once.
 * - `DATA_DIR/outbox.jsonl`: updates queued in the JSON-lines outbox (a torn last line is skipped);
 *   the file is renamed to `outbox.jsonl.imported` afterwards.
 * - the memory store's `pending` table (SQLite) or `<collection>_pending` collection (Qdrant):
 *   updates whose model output was malformed; dropped afterwards.
 * Each keeps its id as the job id, so an import cut short by a crash and run again queues nothing twice.
 */
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import type { Logger } from "../../logger.js";
import type { AddOptions, ChatTurnMessage } from "../api.js";
import type { LegacyPendingSource } from "../store.js";
import type { JobQueue } from "./types.js";

interface OutboxLine {
  id: string;
  input: ChatTurnMessage[];
  options: AddOptions;
}

/** Imports the outbox file, if there is one; returns how many updates were queued. */
export async function importLegacyOutbox(queue: JobQueue, path: string, logger: Logger): Promise<number> {
  if (!existsSync(path)) return 0;
  let imported = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let entry: OutboxLine;
    try {
      entry = JSON.parse(line) as OutboxLine;
    } catch {
      // A line torn by a crash mid-append carries no complete update.
      continue;
    }
    if (typeof entry?.id !== "string" || !Array.isArray(entry.input) || typeof entry.options?.userId !== "string")
      continue;
    const { userId, ...options } = entry.options;
    await queue.enqueue(userId, { input: entry.input, options }, entry.id);
    imported++;
  }
  renameSync(path, `${path}.imported`);
  rmSync(`${path}.lock`, { force: true });
  if (imported)
    logger.info("imported the memory updates of the old outbox file into the queue", { imported, file: path });
  return imported;
}

/** Imports the store's pending updates, if it has any; returns how many were queued. */
export async function importLegacyPending(
  queue: JobQueue,
  store: LegacyPendingSource,
  logger: Logger,
): Promise<number> {
  const items = await store.legacyPending();
  for (const item of items) {
    const { input, options } = item.payload as { input?: ChatTurnMessage[]; options?: Omit<AddOptions, "userId"> };
    if (!Array.isArray(input)) continue;
    const { userId: _ignored, ...rest } = (options ?? {}) as AddOptions;
    await queue.enqueue(item.userId, { input, options: rest }, item.id);
  }
  await store.dropLegacyPending();
  if (items.length)
    logger.info("imported the memory store's pending updates into the queue", { imported: items.length });
  return items.length;
}
