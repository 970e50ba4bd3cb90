import { randomUUID } from "node:crypto";
import pg from "pg";

/**
 * The PostgreSQL server the Postgres tests use: TEST_DATABASE_URL (`.ci/run` starts one; by hand:
 * `bash scripts/postgres-test-server.sh run npx vitest run test/postgres`). A test-only name, so
 * the other tests keep their embedded defaults whatever DATABASE_URL a developer has set.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** Prints why the file's Postgres tests skip; true when they run. */
export function postgresAvailable(what: string): boolean {
  if (!TEST_DATABASE_URL) {
    console.log(
      `skipped: ${what} needs a PostgreSQL server; run it with bash scripts/postgres-test-server.sh run npx vitest run <file> (or set TEST_DATABASE_URL)`,
    );
  }
  return Boolean(TEST_DATABASE_URL);
}

/** A new, empty database on the test server (each test its own), and how to drop it. */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        // Connections a test left open (or a killed child's, not yet noticed) must not keep it.
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
