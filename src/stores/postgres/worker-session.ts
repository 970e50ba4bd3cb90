import { randomInt } from "node:crypto";
import pg from "pg";
import { ADVISORY_LOCK_SPACE } from "../../util/postgres.js";

/**
 * The Postgres queue's answer to "is the process that claimed this job still alive?", across
 * machines: a claiming queue keeps one connection open holding an advisory lock on a key of its
 * own, and stamps its claims with that key. The server drops the lock the moment the connection
 * dies (the process killed, its machine gone), so other workers see the claim as lost at once
 * instead of waiting for its lease to run out.
 */
export class WorkerSession {
  private client?: pg.Client;
  private current?: number;
  private opening?: Promise<number>;

  constructor(private readonly url: string) {}

  /** This process's key, holding its lock (reconnecting if the connection was lost). */
  key(): Promise<number> {
    if (this.client && this.current !== undefined) return Promise.resolve(this.current);
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.current = undefined;
    await client?.end().catch(() => undefined);
  }

  private async open(): Promise<number> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true });
    // A lost connection took its lock with it: the next claim opens a session under a new key.
    const lost = () => {
      if (this.client === client) {
        this.client = undefined;
        this.current = undefined;
      }
    };
    client.on("error", lost);
    client.on("end", lost);
    try {
      await client.connect();
      for (;;) {
        const key = randomInt(1, 2 ** 31);
        const { rows } = await client.query<{ taken: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS taken", [
          ADVISORY_LOCK_SPACE.workerSession,
          key,
        ]);
        if (rows[0].taken) {
          this.client = client;
          this.current = key;
          return key;
        }
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }
}

/**
 * SQL true when the worker session `keyColumn` names is no longer connected to this database.
 * pg_locks lists the two-key advisory locks as (classid, objid) with objsubid 2.
 */
export function sessionGoneSql(keyColumn: string, spaceParam: string): string {
  return `NOT EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = ${spaceParam}::int4::oid AND l.objid = ${keyColumn}::oid)`;
}
