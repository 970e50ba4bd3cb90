/**
 * The process killed (SIGKILL) in the middle of a run, and in the middle of a memory update: the
 * next process on the same DATA_DIR opens the SQLite files cleanly, resumes the thread from its
 * last checkpoint, answers a new turn, and takes over the memory update job the killed process was
 * running, storing it exactly once. Real processes, real files, a real HTTP model endpoint.
 */
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFigure } from "./figures.js";
import { productEnv, startScriptedOpenAI, type ScriptedServer } from "./scripted-openai-server.js";

const root = resolve(import.meta.dirname, "../..");
let endpoint: ScriptedServer;
let dataDir: string;

beforeAll(async () => {
  endpoint = await startScriptedOpenAI();
  dataDir = mkdtempSync(join(tmpdir(), "memory-chat-kill-"));
});
afterAll(async () => {
  await endpoint?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface ChildState {
  messages: string[];
  memories: string[];
  backlog: number;
}

interface Child {
  proc: ChildProcess;
  state: Promise<ChildState>;
  events: string[];
  /** The id of the process running the script (tsx runs it in a child of `proc`). */
  pid?: number;
}

function child(
  thread: string,
  message?: string,
  options: { mode?: "background" | "inline"; dir?: string } = {},
): Child {
  const proc = spawn(
    join(root, "node_modules/.bin/tsx"),
    ["test/faults/kill-child.ts", thread, "kim", ...(message ? [message] : [])],
    {
      cwd: root,
      env: productEnv(endpoint, options.dir ?? dataDir, {
        MEMORY_UPDATE_MODE: options.mode ?? "background",
        MODEL_MAX_RETRIES: "0",
      }),
      stdio: ["ignore", "pipe", "pipe"],
      // A process group of its own, so SIGKILL reaches the script's process, not only tsx.
      detached: true,
    },
  );
  const events: string[] = [];
  const running: Child = { proc, state: undefined as unknown as Promise<ChildState>, events };
  let out = "";
  let err = "";
  proc.stderr!.on("data", (d) => (err += d));
  const state = new Promise<ChildState>((resolveState, reject) => {
    proc.stdout!.on("data", (d) => {
      out += d;
      for (const line of out.split("\n").slice(0, -1)) {
        const parsed = JSON.parse(line);
        if (!events.includes(parsed.event)) events.push(parsed.event);
        if (parsed.event === "started") running.pid = parsed.pid;
        if (parsed.event === "state") resolveState(parsed);
      }
      out = out.slice(out.lastIndexOf("\n") + 1);
    });
    proc.on("exit", (code, signal) =>
      reject(new Error(`child exited (${code ?? signal}) before printing its state:\n${err}`)),
    );
  });
  state.catch(() => undefined);
  running.state = state;
  children.push(running);
  return running;
}

const children: Child[] = [];
afterAll(() => children.forEach((c) => signalGroup(c, "SIGKILL")));

function signalGroup(c: Child, signal: NodeJS.Signals) {
  try {
    process.kill(-c.proc.pid!, signal);
  } catch {
    // Already gone.
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGKILL to the child's whole process group; resolves once the script's process is gone. */
async function kill(c: Child): Promise<void> {
  expect(c.pid, "the child printed its process id").toBeDefined();
  signalGroup(c, "SIGKILL");
  for (let i = 0; i < 500 && alive(c.pid!); i++) await new Promise((r) => setTimeout(r, 10));
  expect(alive(c.pid!), `process ${c.pid} is gone after SIGKILL`).toBe(false);
}

function integrity(file: string, dir = dataDir): string {
  const db = new Database(join(dir, file), { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** The memory update jobs not yet done or dead, read straight from the queue file. */
function unfinishedJobs(dir: string): { content: string; state: string }[] {
  const file = join(dir, "queue.db");
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare("SELECT payload, state FROM memory_jobs WHERE state IN ('queued', 'running') ORDER BY seq")
      .all() as { payload: string; state: string }[];
    return rows.map((r) => ({ content: JSON.parse(r.payload).input[0].content, state: r.state }));
  } finally {
    db.close();
  }
}

describe("killed with SIGKILL mid-run and mid-update", () => {
  it("resumes from the last checkpoint, opens cleanly, and takes over the killed process's job, storing it once", async () => {
    // 1. A completed turn.
    const first = await child("t1", "My name is Kim. I live in Busan.").state;
    expect(first.memories.sort()).toEqual(["I live in Busan.", "My name is Kim."]);

    // 2. Killed while the answer is being generated.
    endpoint.hang.add("answer");
    const answering = endpoint.arrival("answer");
    const midRun = child("t1", "What is my name?");
    await answering;
    await kill(midRun);
    endpoint.hang.delete("answer");

    // 3. Killed while the memory update of a finished turn runs (the answer was already given).
    endpoint.hang.add("extract");
    const extracting = endpoint.arrival("extract");
    const midUpdate = child("t1", "I work as a baker.");
    await extracting;
    // The run itself has ended (the answer is out); only the background update is in flight.
    for (let i = 0; i < 200 && !midUpdate.events.includes("turn-end"); i++) await new Promise((r) => setTimeout(r, 25));
    expect(midUpdate.events).toContain("turn-end");
    await kill(midUpdate);
    endpoint.hang.delete("extract");

    // 4. The next process on the same files.
    const checks = ["checkpoints.db", "memory.db", "queue.db"].map((f) => [f, integrity(f)]);
    const failing = checks.filter(([, result]) => result !== "ok").length;
    // The killed process left its turn's memory update in the queue, marked running by a dead process.
    const queued = unfinishedJobs(dataDir);
    expect(queued.map((j) => [j.content, j.state])).toEqual([["I work as a baker.", "running"]]);
    const resumed = await child("t1", "I have a dog named Bada.").state;
    const expectedFacts = ["My name is Kim.", "I live in Busan.", "I work as a baker.", "I have a dog named Bada."];
    const counts = new Map<string, number>();
    for (const m of resumed.memories) counts.set(m, (counts.get(m) ?? 0) + 1);
    const lost = expectedFacts.filter((f) => !counts.has(f)).length;
    const duplicates = [...counts.values()].reduce((s, c) => s + c - 1, 0);

    recordFigure({ group: "kill", name: "processes killed with SIGKILL (mid-run, mid-update)", value: 2 });
    recordFigure({
      group: "kill",
      name: "turns resumed on the killed thread",
      value: resumed.messages.includes("I have a dog named Bada.") ? 1 : 0,
      goal: 1,
    });
    recordFigure({
      group: "kill",
      name: "running jobs left by a killed process, taken over",
      value: queued.length - resumed.backlog,
    });
    recordFigure({ group: "queue", name: "updates lost, SIGKILL while a job runs", value: lost, goal: 0 });
    recordFigure({ group: "queue", name: "duplicates, SIGKILL while a job runs", value: duplicates, goal: 0 });
    recordFigure({ group: "kill", name: "SQLite files failing integrity_check after kills", value: failing, goal: 0 });
    recordFigure({ group: "kill", name: "facts lost after kills", value: lost, goal: 0 });
    recordFigure({ group: "kill", name: "duplicate facts after kills and replay", value: duplicates, goal: 0 });

    expect(checks).toEqual([
      ["checkpoints.db", "ok"],
      ["memory.db", "ok"],
      ["queue.db", "ok"],
    ]);
    expect(unfinishedJobs(dataDir)).toEqual([]);
    // The thread resumed from its last checkpoint: the completed turn, the killed turn's message
    // (checkpointed before the answer), the turn whose update was killed, and the new turn.
    expect(resumed.messages.slice(0, 2)).toEqual(["My name is Kim. I live in Busan.", expect.any(String)]);
    expect(resumed.messages).toContain("What is my name?");
    expect(resumed.messages).toContain("I work as a baker.");
    expect(resumed.messages.at(-2)).toBe("I have a dog named Bada.");
    // Every completed turn kept its answer, though this endpoint gives every completion the same
    // id (as some OpenAI-compatible servers do): 3 turns got an answer (the one killed mid-answer
    // did not), and all 3 answers are in the thread.
    expect(
      resumed.messages.filter((m) => m.startsWith("From memory") || m.startsWith("I do not remember")),
    ).toHaveLength(3);
    expect(resumed.backlog).toBe(0);
    expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
  }, 240_000);

  it("inline mode: killed during the memory update inside the run; files intact, thread resumes, the queued update taken over and stored once", async () => {
    const dir = join(dataDir, "inline");
    const first = await child("i1", "My name is Kim.", { mode: "inline", dir }).state;
    expect(first.memories).toEqual(["My name is Kim."]);

    endpoint.hang.add("extract");
    const extracting = endpoint.arrival("extract");
    const midUpdate = child("i1", "I work as a baker.", { mode: "inline", dir });
    await extracting;
    // Inline, the update is a step of the run: the answer is checkpointed, the run has not ended.
    expect(midUpdate.events).not.toContain("turn-end");
    await kill(midUpdate);
    endpoint.hang.delete("extract");

    const checks = ["checkpoints.db", "memory.db", "queue.db"].map((f) => [f, integrity(f, dir)]);
    expect(unfinishedJobs(dir).map((j) => [j.content, j.state])).toEqual([["I work as a baker.", "running"]]);
    const resumed = await child("i1", "I have a dog named Bada.", { mode: "inline", dir }).state;
    const expectedFacts = ["My name is Kim.", "I work as a baker.", "I have a dog named Bada."];
    const lost = expectedFacts.filter((f) => !resumed.memories.includes(f));
    const duplicates = resumed.memories.length - new Set(resumed.memories).size;
    recordFigure({
      group: "kill",
      name: "SQLite files failing integrity_check (inline, killed mid-update)",
      value: checks.filter(([, r]) => r !== "ok").length,
      goal: 0,
    });
    // Inline, the update is queued before it starts; the next process takes over the job of the
    // dead one at once, and the next turn's update waits for it (same user, in order).
    recordFigure({ group: "kill", name: "facts lost (inline, killed mid-update)", value: lost.length, goal: 0 });
    recordFigure({ group: "kill", name: "duplicate facts (inline, killed mid-update)", value: duplicates, goal: 0 });

    expect(checks).toEqual([
      ["checkpoints.db", "ok"],
      ["memory.db", "ok"],
      ["queue.db", "ok"],
    ]);
    expect(unfinishedJobs(dir)).toEqual([]);
    expect(resumed.messages).toContain("I work as a baker.");
    expect(resumed.messages.at(-2)).toBe("I have a dog named Bada.");
    expect({ lost, duplicates }).toEqual({ lost: [], duplicates: 0 });
  }, 120_000);
});
