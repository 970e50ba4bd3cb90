/**
 * Child process for the SQLite tests: writes records with its own connection, one transaction each,
 * printing "committed <i>" after every commit. Usage: sqlite-writer.ts <db> <userId> <tag> <count|forever>
 */
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { DIMS, seededVector, writerRecord } from "./fixtures.js";

const [dbPath, userId, tag, countArg] = process.argv.slice(2);
const count = countArg === "forever" ? Infinity : Number(countArg);
const store = new SqliteMemoryStore(dbPath);
await store.init(DIMS);
for (let i = 0; i < count; i++) {
  await store.put([writerRecord(userId, tag, i)], [seededVector(i)]);
  process.stdout.write(`committed ${i}\n`);
}
await store.close();
