import type pg from "pg";
import { ADVISORY_LOCK_SPACE, advisoryKey } from "./postgres.js";

/**
 * Versioned schema migrations, as LangGraph's Postgres checkpointer keeps them: an ordered list
 * of SQL steps whose position is the version (step 1 is version 1), and a table holding the
 * versions applied. A new version of the product appends steps and never edits an old one.
 * All pending steps run in one transaction under an advisory lock, so app servers that start
 * together migrate one after the other and a step that fails leaves the schema as it was.
 * Returns the schema version now in place.
 */
export async function migrate(pool: pg.Pool, versionTable: string, steps: readonly string[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [
      ADVISORY_LOCK_SPACE.migrations,
      advisoryKey(versionTable),
    ]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${versionTable} (v INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(v) AS v FROM ${versionTable}`);
    const current = rows[0]?.v ?? 0;
    if (current > steps.length) {
      throw new Error(
        `The database schema of ${versionTable} is at version ${current}, newer than this version of the product knows (${steps.length}): upgrade the product, or point DATABASE_URL at another database`,
      );
    }
    for (let v = current + 1; v <= steps.length; v++) {
      await client.query(steps[v - 1]);
      await client.query(`INSERT INTO ${versionTable} (v) VALUES ($1)`, [v]);
    }
    await client.query("COMMIT");
    return steps.length;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
