/**
 * One of two processes on one DATA_DIR for test/faults/queue.test.ts: the real SQLite queue,
 * memory store and per-user lock files, a worker that drains the shared queue. Waits for "go" on
 * stdin, queues `count` updates (users alternate between two), then drains until the queue has
 * nothing left for anyone and prints {"done": true}.
 *   tsx test/faults/queue-drainer.ts <dataDir> <prefix> <count>
 */
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { silentLogger } from "../../src/logger.js";
import { MemoryEngine } from "../../src/memory/engine.js";
import { FileUserLocks } from "../../src/stores/sqlite/user-locks.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { ScriptedChatModel, rememberingScript } from "../helpers/scripted-model.js";

const [dataDir, prefix, count] = process.argv.slice(2);
const pause = () => new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
const engine = new MemoryEngine({
  store: new SqliteMemoryStore(join(dataDir, "memory.db")),
  embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
  dims: 16,
  chatModel: new ScriptedChatModel(async (kind, messages) => {
    await pause();
    return rememberingScript(kind, messages);
  }),
  userLocks: new FileUserLocks(join(dataDir, "locks.db")),
});
await engine.init();
const queue = new SqliteJobQueue(join(dataDir, "queue.db"));
const worker = new MemoryWorker({
  memory: async () => engine,
  queue,
  logger: silentLogger,
  pollMs: 20,
  retryBaseMs: 20,
  retryMaxMs: 100,
});
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
for await (const line of createInterface({ input: process.stdin })) if (line.trim() === "go") break;
worker.start();
for (let i = 0; i < Number(count); i++) {
  await worker.enqueue([{ role: "user", content: `I own ${prefix}${i} books.` }], {
    userId: `shared-${i % 2}`,
    sourceId: `${prefix}-${i}`,
  });
}
for (;;) {
  await worker.idle();
  if ((await queue.backlog()) === 0) break;
  await new Promise((r) => setTimeout(r, 20));
}
await worker.close();
process.stdout.write(JSON.stringify({ done: true }) + "\n");
await queue.close();
await engine.close();
process.exit(0);
