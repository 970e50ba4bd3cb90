/**
 * `npx memory-chat [--user NAME] [--thread ID]` (or `npm start
 * -- ...`): a terminal chat on embedded defaults (SQLite file for
 * short-term memory, the embedded long-term store, local embeddings), streaming answers and saying
 * after each turn which memories were used and what was stored.
 */
import { createInterface } from "node:readline/promises";
import { stdin, stdout, stderr } from "node:process";
import { NO_CHAT_MODEL_HELP, SettingsError, loadSettings } from "../config/settings.js";
import { createRuntime } from "../app/runtime.js";
import { createCheckpointer } from "../app/checkpointer.js";
import { buildGraph } from "../graph/builder.js";
import { commandHelp, parseCommandLine, stringValue, UsageError, type CommandSpec } from "./args.js";
import { ChatSession, HELP } from "./chat-session.js";
import { Spinner } from "./spinner.js";
import { chatModelSpec } from "../models/chat.js";
import { FileThreadRegistry } from "./thread-registry.js";
import { join } from "node:path";
import { MAX_USER_ID_LENGTH, validateUserId } from "../memory/validation.js";

const CHAT: CommandSpec = {
  name: "memory-chat",
  summary: "A terminal chat that remembers what you tell it, per user (npm start -- [options] runs the same).",
  options: {
    user: { type: "string", value: "NAME", help: "whose chat and memories (default: $USER, else me)" },
    thread: { type: "string", value: "ID", help: "go on with an earlier thread (/threads lists them)" },
  },
};

async function main(): Promise<number> {
  let values;
  try {
    values = parseCommandLine(process.argv.slice(2), CHAT).values;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr.write(`${e.message}\n`);
    return 2;
  }
  if (values.help) {
    stdout.write(`${commandHelp(CHAT)}\n\nIn the chat:\n${HELP.replace(/^Commands:\n/, "")}\n`);
    return 0;
  }
  const userId = stringValue(values, "user") ?? (process.env.USER || "me");
  try {
    // Checked before anything loads: a bad id would otherwise fail every turn.
    validateUserId(userId);
  } catch (e) {
    stderr.write(
      `--user: ${(e as Error).message}. A user id is 1 to ${MAX_USER_ID_LENGTH} characters with no control characters, e.g. --user alice.\n`,
    );
    return 2;
  }
  let settings;
  try {
    // The chat's screen carries the conversation: logs go to DATA_DIR/chat.log unless LOG_FILE
    // names another file (LOG_FILE= with nothing sends them to stderr).
    const loaded = loadSettings();
    settings = process.env.LOG_FILE === undefined ? { ...loaded, LOG_FILE: join(loaded.DATA_DIR, "chat.log") } : loaded;
  } catch (e) {
    stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const modelSpec = chatModelSpec(settings);
  if (!modelSpec) {
    stderr.write(`${NO_CHAT_MODEL_HELP}\n`);
    return 2;
  }
  if (!settings.CHAT_MODEL) {
    stderr.write(
      `CHAT_MODEL is not set: using the small local model ${modelSpec.slice("llama-cpp:".length)} (it remembers what you tell it; its answers are weak).\n`,
    );
  }
  const spinner = new Spinner(stderr);
  const runtime = createRuntime(settings, { onModelProgress: (msg) => spinner.update(msg) });
  try {
    spinner.start("loading the chat model");
    await runtime.chatModel();
    spinner.update("opening long-term memory");
    await runtime.memory();
    spinner.stop();
  } catch (e) {
    spinner.stop();
    stderr.write(`${(e as Error).message}\n`);
    return e instanceof SettingsError ? 2 : 1;
  }
  const checkpointer = await createCheckpointer(settings);
  const graph = buildGraph(runtime.graphDeps).compile({ checkpointer });
  const session = new ChatSession({
    graph,
    threads: new FileThreadRegistry(join(settings.DATA_DIR, "threads.json")),
    memory: runtime.memory,
    userId,
    maxMessageChars: settings.MAX_MESSAGE_CHARS,
    threadId: stringValue(values, "thread"),
    write: (t) => stdout.write(t),
    worker: runtime.memoryWorker,
    interactive: stdin.isTTY === true,
    waiting: (label) => {
      spinner.start(label);
      return () => spinner.stop();
    },
  });
  runtime.startMemoryWorker();
  stdout.write(`memory chat: user ${userId}, thread ${session.threadId}. /help lists commands.\n`);
  const rl = createInterface({ input: stdin, output: stdout, terminal: stdin.isTTY });
  // Piped input can end while a turn runs: lines already read still come, but Node >= 22 throws
  // on prompt() once the interface has closed.
  let inputEnded = false;
  rl.once("close", () => (inputEnded = true));
  const prompt = () => {
    rl.setPrompt(session.prompt);
    rl.prompt();
  };
  prompt();
  for await (const line of rl) {
    if (!(await session.handle(line))) break;
    if (!inputEnded) prompt();
  }
  rl.close();
  if (inputEnded && runtime.memoryWorker) {
    // A short piped session must not leave what it said unstored.
    stderr.write("input ended: storing the queued memory updates before exiting\n");
    await runtime.memoryWorker.idle();
  }
  await runtime.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    stderr.write(`memory chat stopped: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
