/** The job queue contract (test/memory/queue-contract.ts) on a real PostgreSQL server, a new database per test. */
import { afterEach, describe } from "vitest";
import { PostgresJobQueue } from "../../src/stores/postgres/queue.js";
import { jobQueueContract } from "../memory/queue-contract.js";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.js";

const drops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const drop of drops.splice(0)) await drop();
});

describe.skipIf(!postgresAvailable("the Postgres queue contract"))("PostgreSQL", () => {
  jobQueueContract("PostgresJobQueue", async (now) => {
    const db = await freshDatabase();
    drops.push(db.drop);
    return new PostgresJobQueue(db.url, now);
  });
});
