import { HumanMessage, isAIMessageChunk, type AIMessageChunk } from "@langchain/core/messages";
import { randomUUID } from "node:crypto";
import type { buildGraph } from "../graph/builder.js";
import type { MemoryChange } from "../memory/types.js";
import type { MemoryEngine } from "../memory/engine.js";
import type { RetrievedMemory } from "../graph/state.js";
import { runContext } from "../graph/context.js";
import { messageText } from "../memory/structured.js";
import { changesLine, historyLine, memoryLine, usedLine } from "./format.js";
import type { ThreadRegistry } from "./thread-registry.js";
import type { MemoryWorker } from "../memory/queue/worker.js";
import { jobStatus } from "../graph/nodes/update-memory.js";
import { jobLine } from "./format.js";

type CompiledChatGraph = ReturnType<ReturnType<typeof buildGraph>["compile"]>;

export const HELP = `Commands:
  /memories            list what I remember about you
  /search <text>       search your memories
  /history <id>        how a memory changed over time
  /forget <id>         delete one memory
  /forget-me           erase all your memories and their history
  /queue               your memory updates still queued, retrying or dead
  /new                 start a new thread (short-term memory starts empty)
  /threads             your threads
  /help                this list
  /quit                leave (Ctrl-D works too)`;

export interface ChatSessionOptions {
  graph: CompiledChatGraph;
  threads: ThreadRegistry;
  memory: () => Promise<MemoryEngine>;
  userId: string;
  threadId?: string;
  write: (text: string) => void;
  /** The memory update worker: after the answer, the session waits for the turn's update's first outcome. */
  worker?: MemoryWorker;
  /** Shows that something is being waited for; returns the function that ends it. */
  waiting?: (label: string) => () => void;
}

/** One user's terminal conversation: chat turns and slash commands, independent of the terminal. */
export class ChatSession {
  threadId: string;

  constructor(private readonly o: ChatSessionOptions) {
    this.threadId = o.threadId ?? randomUUID();
  }

  /** Handles one input line; returns false when the user wants to leave. */
  async handle(line: string): Promise<boolean> {
    const text = line.trim();
    if (!text) return true;
    if (text.startsWith("/")) return this.command(text);
    await this.turn(text);
    return true;
  }

  private async turn(text: string): Promise<void> {
    const { write } = this.o;
    let memories: RetrievedMemory[] = [];
    let retrievalStatus: string | undefined;
    let changes: MemoryChange[] = [];
    let memoryStatus: string | undefined;
    let jobId: string | undefined;
    let streamed = false;
    this.o.threads.add(this.o.userId, this.threadId);
    try {
      const stream = await this.o.graph.stream(
        { messages: [new HumanMessage(text)] },
        {
          configurable: { thread_id: this.threadId },
          context: runContext({ userId: this.o.userId }),
          // Shows on LangSmith traces (when tracing is on) so a user's turns can be found.
          metadata: { userId: this.o.userId },
          streamMode: ["messages", "updates"],
        },
      );
      for await (const [mode, payload] of stream as AsyncIterable<[string, any]>) {
        if (mode === "messages") {
          const [chunk, meta] = payload as [AIMessageChunk, { langgraph_node?: string }];
          if (meta.langgraph_node === "answer" && isAIMessageChunk(chunk)) {
            const piece = messageText(chunk);
            if (piece) {
              if (!streamed) write("assistant> ");
              streamed = true;
              write(piece);
            }
          }
        } else if (mode === "updates") {
          const update = payload as Record<string, any>;
          if (update.retrieveMemories) {
            memories = update.retrieveMemories.memories ?? [];
            retrievalStatus = update.retrieveMemories.retrievalStatus;
          }
          if (update.answer && !streamed) {
            // Models that do not stream still show their answer.
            write(`assistant> ${messageText(update.answer.messages[0])}`);
            streamed = true;
          }
          if (update.updateMemory) {
            changes = update.updateMemory.memoryChanges ?? [];
            memoryStatus = update.updateMemory.memoryUpdateStatus;
            jobId = update.updateMemory.memoryJobId ?? undefined;
          }
        }
      }
      write("\n");
      if (jobId && this.o.worker) {
        // The answer is complete; the memory update runs after the run, and its line follows.
        const done = this.o.waiting?.("remembering");
        const result = await this.o.worker.result(jobId).finally(() => done?.());
        changes = result.changes;
        memoryStatus = jobStatus(result);
      }
      write(`  ${usedLine(memories, retrievalStatus)}\n  ${changesLine(changes, memoryStatus)}\n`);
    } catch (error) {
      if (streamed) write("\n");
      write(`error: ${(error as Error).message}\n`);
    }
  }

  private async command(text: string): Promise<boolean> {
    const [name, ...rest] = text.split(/\s+/);
    const arg = rest.join(" ").trim();
    const { write, userId } = this.o;
    try {
      switch (name) {
        case "/quit":
        case "/exit":
          return false;
        case "/help":
          write(HELP + "\n");
          break;
        case "/new":
          this.threadId = randomUUID();
          write(`new thread ${this.threadId}\n`);
          break;
        case "/threads": {
          const threads = this.o.threads.list(userId);
          write(threads.length ? threads.map((t) => `${t === this.threadId ? "*" : " "} ${t}`).join("\n") + "\n" : "no threads yet\n");
          break;
        }
        case "/memories": {
          const list = await (await this.o.memory()).list({ userId });
          write(list.length ? list.map(memoryLine).join("\n") + "\n" : "I remember nothing about you yet.\n");
          break;
        }
        case "/search": {
          if (!arg) return this.usage("/search <text>");
          const hits = await (await this.o.memory()).search(arg, { userId, limit: 10 });
          write(hits.length ? hits.map((h) => `${h.score.toFixed(4)}  ${memoryLine(h.memory)}`).join("\n") + "\n" : "no matching memories\n");
          break;
        }
        case "/history": {
          if (!arg) return this.usage("/history <memory id>");
          const entries = await (await this.o.memory()).history(arg, { userId });
          write(entries.length ? entries.map(historyLine).join("\n") + "\n" : `no history for ${arg}\n`);
          break;
        }
        case "/forget": {
          if (!arg) return this.usage("/forget <memory id>");
          await (await this.o.memory()).delete(arg, { userId, threadId: this.threadId });
          write(`forgot ${arg}\n`);
          break;
        }
        case "/queue": {
          if (!this.o.worker) return this.usage("/queue needs the memory update queue (run the chat with its runtime)");
          const jobs = (await this.o.worker.queue.list({ userId })).filter((j) => j.state !== "done");
          write(jobs.length ? jobs.map(jobLine).join("\n") + "\n" : "no memory updates waiting: every update is stored\n");
          break;
        }
        case "/forget-me": {
          const result = await (await this.o.memory()).forgetUser(userId);
          write(`erased ${result.memories} memories and ${result.history} history entries\n`);
          break;
        }
        default:
          write(`unknown command ${name}; /help lists the commands\n`);
      }
    } catch (error) {
      write(`error: ${(error as Error).message}\n`);
    }
    return true;
  }

  private usage(text: string): boolean {
    this.o.write(`usage: ${text}\n`);
    return true;
  }
}
