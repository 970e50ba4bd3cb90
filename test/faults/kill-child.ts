/**
 * A process of the embedded product for the SIGKILL test (test/faults/kill.test.ts): the real
 * runtime, SQLite checkpointer and store in DATA_DIR, the background memory worker. Runs one turn
 * (if given), waits for the memory worker, and prints the thread and the user's memories as JSON.
 *   tsx test/faults/kill-child.ts <threadId> <userId> [message]
 */
import { HumanMessage } from "@langchain/core/messages";
import { createCheckpointer } from "../../src/app/checkpointer.js";
import { createRuntime } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { buildGraph } from "../../src/graph/builder.js";
import { runContext } from "../../src/graph/context.js";
import { messageText } from "../../src/models/structured.js";

const [threadId, userId, message] = process.argv.slice(2);
// This process's own id: tsx runs the script in a child of the process the test started.
process.stdout.write(JSON.stringify({ event: "started", pid: process.pid }) + "\n");
const runtime = createRuntime(loadSettings());
runtime.startMemoryWorker();
const graph = buildGraph(runtime.graphDeps).compile({ checkpointer: await createCheckpointer(runtime.settings) });
const config = { configurable: { thread_id: threadId }, context: runContext({ userId }) };
if (message) {
  process.stdout.write(JSON.stringify({ event: "turn-start" }) + "\n");
  await graph.invoke({ messages: [new HumanMessage(message)] }, config);
  process.stdout.write(JSON.stringify({ event: "turn-end" }) + "\n");
}
await runtime.memoryWorker.idle();
const state = await graph.getState(config);
const memories = await (await runtime.memory()).list({ userId });
process.stdout.write(
  JSON.stringify({
    event: "state",
    messages: (state.values.messages ?? []).map(messageText),
    memories: memories.map((m) => m.text),
    backlog: await runtime.memoryWorker.backlog(),
  }) + "\n",
);
await runtime.close();
process.exit(0);
