/**
 * A process that dies holding things, for test/postgres/kill.test.ts: claims the job the test
 * queued (the real Postgres queue, a lease of ten minutes) and takes the user's advisory lock,
 * then says so and waits to be killed.
 *   node --import tsx test/postgres/holder-child.ts <databaseUrl> <userId>
 */
import { PostgresUserLocks } from "../../src/stores/postgres/user-locks.js";
import { PostgresJobQueue } from "../../src/stores/postgres/queue.js";

const [url, userId] = process.argv.slice(2);
const queue = new PostgresJobQueue(url);
const job = await queue.claim("holder", 10 * 60_000);
const locks = new PostgresUserLocks(url);
void locks.run(userId, () => {
  process.stdout.write(JSON.stringify({ holding: true, pid: process.pid, jobId: job?.id }) + "\n");
  return new Promise(() => undefined);
});
