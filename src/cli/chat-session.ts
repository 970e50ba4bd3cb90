import { HumanMessage, isAIMessageChunk, type AIMessageChunk } from "@langchain/core/messages";
import { randomUUID } from "node:crypto";
import type { buildGraph } from "../graph/builder.js";
import type { MemoryChange } from "../memory/types.js";
import type { MemoryEngine } from "../memory/engine.js";
import type { RetrievedMemory } from "../graph/state.js";
import { runContext } from "../graph/context.js";
import { messageText } from "../memory/structured.js";
import { chronological } from "../server/memory-view.js";
import { profileText } from "../memory/profile/render.js";
import { entityTimeline, findEntity, listEntities } from "../memory/entities/map.js";
import { entitiesText, entityText } from "./entity-text.js";
import { changesLine, historyLine, memoryLine, usedLine, versionLines } from "./format.js";
import type { ThreadRegistry } from "./thread-registry.js";
import type { MemoryWorker } from "../memory/queue/worker.js";
import { jobStatus } from "../graph/nodes/update-memory.js";
import { jobLine } from "./format.js";
import { parseFeedbackKind } from "../memory/feedback.js";

type CompiledChatGraph = ReturnType<ReturnType<typeof buildGraph>["compile"]>;

export const HELP = `Commands:
  /memories            list what I remember about you
  /search <text>       search your memories
  /history <id>        how a memory changed, what it replaced and what replaced it
  /forget <id>         delete one memory
  /feedback <id> up|down|wrong   rank a memory higher or lower, or mark it wrong (kept as history)
  /forget-me           erase all your memories and their history (asks first)
  /profile             what I know of you as a whole, and your interests over time
  /entities            the people, pets, places and things your memories name
  /entity <name>       one of them: its relations and its memories as a timeline
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
  /**
   * A person types the input (a terminal). Only then can /forget-me be confirmed: piped input is
   * a script, and a line of it that happens to match must not erase a user.
   */
  interactive?: boolean;
}

const PROMPT = "you> ";
const CONFIRM_PROMPT = "confirm> ";

/** One user's terminal conversation: chat turns and slash commands, independent of the terminal. */
export class ChatSession {
  threadId: string;
  /** Set while /forget-me waits for the user id typed as confirmation. */
  private forgetAsked = false;

  constructor(private readonly o: ChatSessionOptions) {
    this.threadId = o.threadId ?? randomUUID();
  }

  /** What to show before the next line: a different prompt while a confirmation is asked for. */
  get prompt(): string {
    return this.forgetAsked ? CONFIRM_PROMPT : PROMPT;
  }

  /** Handles one input line; returns false when the user wants to leave. */
  async handle(line: string): Promise<boolean> {
    const text = line.trim();
    if (this.forgetAsked) {
      this.forgetAsked = false;
      await this.forgetMeConfirmed(text);
      return true;
    }
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
          write(
            threads.length
              ? threads.map((t) => `${t === this.threadId ? "*" : " "} ${t}`).join("\n") + "\n"
              : "no threads yet\n",
          );
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
          write(
            hits.length
              ? hits.map((h) => `${h.score.toFixed(4)}  ${memoryLine(h.memory)}`).join("\n") + "\n"
              : "no matching memories\n",
          );
          break;
        }
        case "/history": {
          if (!arg) return this.usage("/history <memory id>");
          const memory = await this.o.memory();
          const entries = chronological(await memory.history(arg, { userId }));
          const chain = await memory.supersedeChain(arg, { userId });
          if (!entries.length && !chain) {
            write(`no history for ${arg}\n`);
            break;
          }
          write([...entries.map(historyLine), ...(chain ? versionLines(chain) : [])].join("\n") + "\n");
          break;
        }
        case "/forget": {
          if (!arg) return this.usage("/forget <memory id>");
          await (await this.o.memory()).delete(arg, { userId, threadId: this.threadId });
          write(`forgot ${arg}\n`);
          break;
        }
        case "/feedback": {
          const [id, kind] = rest;
          if (!id || !kind) return this.usage("/feedback <memory id> up|down|wrong");
          const memory = await (
            await this.o.memory()
          ).feedback(id, parseFeedbackKind(kind), { userId, threadId: this.threadId });
          write(`${kind}: ${memoryLine(memory)}\n`);
          break;
        }
        case "/queue": {
          if (!this.o.worker) return this.usage("/queue needs the memory update queue (run the chat with its runtime)");
          const jobs = (await this.o.worker.queue.list({ userId })).filter((j) => j.state !== "done");
          write(
            jobs.length ? jobs.map(jobLine).join("\n") + "\n" : "no memory updates waiting: every update is stored\n",
          );
          break;
        }
        case "/entities": {
          const memory = await this.o.memory();
          write(
            memory.entities
              ? `${entitiesText(await listEntities(memory, userId), userId)}\n`
              : "no memory map: this memory keeps none\n",
          );
          break;
        }
        case "/entity": {
          if (!arg) return this.usage("/entity <name>");
          const memory = await this.o.memory();
          const found = memory.entities ? await findEntity(memory, userId, arg) : null;
          write(
            found
              ? `${entityText(await entityTimeline(memory, userId, found))}\n`
              : `no entity named "${arg}"; /entities lists them\n`,
          );
          break;
        }
        case "/profile": {
          const profiles = (await this.o.memory()).profiles;
          write(profiles ? `${profileText(await profiles.read(userId))}\n` : "no profile: this memory keeps none\n");
          break;
        }
        case "/forget-me":
          await this.askForgetMe();
          break;
        default:
          write(`unknown command ${name}; /help lists the commands\n`);
      }
    } catch (error) {
      write(`error: ${(error as Error).message}\n`);
    }
    return true;
  }

  /**
   * Erasing a user cannot be undone, so it is confirmed by typing the user id: a reflexive "y" or
   * Enter does nothing, and the words typed name whose memories go.
   */
  private async askForgetMe(): Promise<void> {
    const { write, userId } = this.o;
    if (!this.o.interactive) {
      write(
        `/forget-me is confirmed by typing in a terminal, and this input is not one: nothing erased. From a script: npx memories forget-user --user ${userId} --yes\n`,
      );
      return;
    }
    const memories = (await (await this.o.memory()).list({ userId })).length;
    write(
      `This erases all ${memories} ${memories === 1 ? "memory" : "memories"} of user ${userId} (superseded ones too), their history and queued updates; it cannot be undone.\n`,
    );
    write(`Type ${userId} to confirm; anything else cancels.\n`);
    this.forgetAsked = true;
  }

  private async forgetMeConfirmed(answer: string): Promise<void> {
    const { write, userId } = this.o;
    if (answer !== userId) {
      write("cancelled: nothing erased\n");
      return;
    }
    try {
      const result = await (await this.o.memory()).forgetUser(userId);
      write(`erased ${result.memories} memories and ${result.history} history entries\n`);
    } catch (error) {
      write(`error: ${(error as Error).message}\n`);
    }
  }

  private usage(text: string): boolean {
    this.o.write(`usage: ${text}\n`);
    return true;
  }
}
