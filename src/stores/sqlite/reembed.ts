/**
 * Re-embeds the memories of the embedded SQLite store with another model, in place: every row's
 * vector is recomputed from its indexed text, batch by batch, each batch committed with its place
 * in a `reembed` meta row, so a run that is stopped goes on where it stopped when started again
 * with the same model. A change of vector size is recorded (meta `dims`) only once every user's
 * memories carry the new vectors; until then the store answers no searches, so stop the chat and
 * the server while it runs.
 */
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { normalize } from "../../search/vector.js";
import { configureConnection } from "../../util/sqlite-connection.js";
import { storedDims } from "./schema.js";
import { AppError } from "../../util/errors.js";
import { sqliteFailure } from "./errors.js";

interface ReembedOptions {
  /** The embedder's stable name (EmbedderInfo.id): a stopped run resumes only for the same model. */
  model: string;
  dims: number;
  embed: (texts: string[]) => Promise<number[][]>;
  /** One user's memories; all users when omitted (needed when the vector size changes). */
  userId?: string;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ReembedResult {
  /** Memories re-embedded by this run. */
  embedded: number;
  /** Memories an earlier, stopped run of the same job had done. */
  resumed: number;
  total: number;
  dims: number;
}

interface Job {
  model: string;
  dims: number;
  userId: string | null;
  afterSeq: number;
}

class ReembedError extends AppError {
  readonly code = "usage";
}

export function reembedSqliteStore(path: string, options: ReembedOptions): Promise<ReembedResult> {
  return reembedFile(path, options).catch((error: unknown) => Promise.reject(sqliteFailure(path, error)));
}

async function reembedFile(path: string, options: ReembedOptions): Promise<ReembedResult> {
  if (!existsSync(path)) throw new ReembedError(`No memory store at ${path}: nothing to re-embed (check DATA_DIR)`);
  const db = new Database(path);
  try {
    configureConnection(db);
    const oldDims = storedDims(db);
    if (oldDims === undefined)
      throw new ReembedError(`The memory store at ${path} has no tables yet: nothing to re-embed`);
    const userId = options.userId ?? null;
    if (userId !== null && oldDims !== options.dims) {
      throw new ReembedError(
        `The new model gives ${options.dims}-dimensional vectors and the store holds ${oldDims}: a change of size ` +
          "must re-embed every user at once (--all)",
      );
    }
    const readJob = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'reembed'");
    const writeJob = db.prepare<[string]>(
      "INSERT INTO meta (key, value) VALUES ('reembed', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    const previous = readJob.get();
    const earlier = previous ? (JSON.parse(previous.value) as Job) : undefined;
    const same =
      earlier && earlier.model === options.model && earlier.dims === options.dims && earlier.userId === userId;
    const job: Job = same ? earlier : { model: options.model, dims: options.dims, userId, afterSeq: 0 };

    const scope = userId === null ? "" : "AND user_id = @userId";
    const count = db.prepare<{ userId: string | null; afterSeq: number }, { n: number }>(
      `SELECT count(*) AS n FROM memories WHERE seq > @afterSeq ${scope}`,
    );
    const total = count.get({ userId, afterSeq: 0 })!.n;
    const resumed = total - count.get({ userId, afterSeq: job.afterSeq })!.n;
    const next = db.prepare<
      { userId: string | null; afterSeq: number; limit: number },
      { seq: number; user_id: string; index_text: string }
    >(`SELECT seq, user_id, index_text FROM memories WHERE seq > @afterSeq ${scope} ORDER BY seq LIMIT @limit`);
    const setEmbedding = db.prepare<[Buffer, number]>("UPDATE memories SET embedding = ? WHERE seq = ?");
    // Readers in other processes drop their cached vectors when a user's version moves.
    const bump = db.prepare<[string]>(
      "INSERT INTO user_versions (user_id, version) VALUES (?, 1) ON CONFLICT (user_id) DO UPDATE SET version = version + 1",
    );
    writeJob.run(JSON.stringify(job));

    let embedded = 0;
    options.onProgress?.(resumed, total);
    for (;;) {
      const rows = next.all({ userId, afterSeq: job.afterSeq, limit: options.batchSize ?? 64 });
      if (rows.length === 0) break;
      const vectors = await options.embed(rows.map((r) => r.index_text));
      vectors.forEach((v, i) => {
        if (v.length !== options.dims)
          throw new ReembedError(
            `The model gave ${v.length} dimensions for memory row ${rows[i].seq}, not ${options.dims}`,
          );
      });
      job.afterSeq = rows[rows.length - 1].seq;
      db.transaction(() => {
        rows.forEach((r, i) => {
          const unit = normalize(vectors[i]);
          setEmbedding.run(Buffer.from(unit.buffer, unit.byteOffset, unit.byteLength), r.seq);
        });
        for (const user of new Set(rows.map((r) => r.user_id))) bump.run(user);
        writeJob.run(JSON.stringify(job));
      }).immediate();
      embedded += rows.length;
      options.onProgress?.(resumed + embedded, total);
    }
    db.transaction(() => {
      db.prepare<[string]>("UPDATE meta SET value = ? WHERE key = 'dims'").run(String(options.dims));
      db.prepare("DELETE FROM meta WHERE key = 'reembed'").run();
    }).immediate();
    return { embedded, resumed, total, dims: options.dims };
  } finally {
    db.close();
  }
}
