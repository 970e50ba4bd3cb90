/**
 * Versioned schema migrations for our SQLite files: an ordered list of steps, step N bringing a
 * file from version N - 1 to N, all pending steps applied in one transaction when the file is
 * opened (the way LangGraph's Postgres checkpointer keeps its migrations). A file is at version 0
 * before its first step; a step must also be safe on a file that already has its tables, since
 * files written before versioning record nothing.
 */
import type Database from "better-sqlite3";

export interface Migration<Context> {
  /** The version the file is at once this step ran. */
  version: number;
  /** What the step does, for logs and errors. */
  description: string;
  up(db: Database.Database, context: Context): void;
}

export interface MigrationPlan<Context> {
  /** Ordered: versions 1, 2, 3, ... */
  migrations: readonly Migration<Context>[];
  /** Where the file records its version (0 when it records none). */
  readVersion(db: Database.Database): number;
  writeVersion(db: Database.Database, version: number): void;
  /** The error for a file written by a newer build than this one. */
  tooNew(found: number, newest: number): Error;
}

export interface MigrationResult {
  from: number;
  to: number;
}

/**
 * Applies the steps the file lacks, in order, with the version written after each, all in one
 * transaction: a failing step leaves the file as it was. Inside a caller's transaction it runs as
 * part of it.
 */
export function migrate<Context>(
  db: Database.Database,
  plan: MigrationPlan<Context>,
  context: Context,
): MigrationResult {
  assertOrdered(plan.migrations);
  const newest = plan.migrations.length;
  return db
    .transaction(() => {
      const from = plan.readVersion(db);
      if (from > newest) throw plan.tooNew(from, newest);
      for (const step of plan.migrations.slice(from)) {
        step.up(db, context);
        plan.writeVersion(db, step.version);
      }
      return { from, to: newest };
    })
    .immediate();
}

function assertOrdered(migrations: readonly Migration<unknown>[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `Migration "${m.description}" is listed at position ${i + 1} but says version ${m.version}: keep the list in version order`,
      );
    }
  });
}
