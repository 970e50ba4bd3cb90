/**
 * One of several processes writing one user's memories into one SQLite file at the same time
 * (test/faults/concurrency.test.ts): a slow scripted model, a slow embedder, the per-user lock
 * shared through a lock file, or none. Waits for "go" on stdin, adds each turn concurrently,
 * prints {"done": n}. With "--hold" as the only turn it takes the user's lock, prints
 * {"holding": true, "pid": ...} and keeps it until killed.
 *   tsx test/faults/race-child.ts <memory.db> <locks.db | none> <userId> <turn>... | --hold
 */
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { createInterface } from "node:readline";
import { MemoryEngine } from "../../src/memory/engine.js";
import { FileUserLocks } from "../../src/stores/sqlite/user-locks.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { ScriptedChatModel, rememberingScript } from "../helpers/scripted-model.js";

const [dbPath, locksPath, userId, ...turns] = process.argv.slice(2);
const pause = () => new Promise((r) => setTimeout(r, 3 + Math.random() * 12));
const embeddings = new SyntheticEmbeddings({ vectorSize: 16 });
const embed = embeddings.embedDocuments.bind(embeddings);
embeddings.embedDocuments = async (texts) => {
  await pause();
  return embed(texts);
};
const engine = new MemoryEngine({
  store: new SqliteMemoryStore(dbPath),
  embeddings,
  dims: 16,
  chatModel: new ScriptedChatModel(async (kind, messages) => {
    await pause();
    return rememberingScript(kind, messages);
  }),
  userLocks: locksPath === "none" ? undefined : new FileUserLocks(locksPath),
});
if (turns[0] === "--hold") {
  await new FileUserLocks(locksPath).run(userId, () => {
    process.stdout.write(JSON.stringify({ holding: true, pid: process.pid }) + "\n");
    return new Promise(() => setInterval(() => undefined, 1000));
  });
}
await engine.init();
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
for await (const line of createInterface({ input: process.stdin })) if (line.trim() === "go") break;
const results = await Promise.all(
  turns.map((turn, i) => engine.add([{ role: "user", content: turn }], { userId, sourceId: `${process.pid}-${i}` })),
);
process.stdout.write(JSON.stringify({ done: results.length }) + "\n");
await engine.close();
process.exit(0);
