/**
 * A refused run leaves its thread exactly as it was: over real HTTP against a real `langgraph dev`
 * process, with the LangGraph JS SDK as the client (its `apiKey`, sent as x-api-key, in token
 * mode). Each kind of bad run (empty, blank, oversized, control characters, a lone surrogate, no
 * user message, malformed content, a missing, bad or forged user id) is sent many times on a thread
 * that already holds a turn; after each, the thread's values, its checkpoint history and its
 * metadata must be what they were. The count of runs that changed the thread is a fault figure.
 */
import { Client } from "@langchain/langgraph-sdk";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFigure } from "../faults/figures.js";
import { startDevServer, type DevServer } from "./dev-server.js";

const alice = { id: "alice", token: randomBytes(16).toString("hex") };
const bob = { id: "bob", token: randomBytes(16).toString("hex") };
const REPEATS = 12;

type Run = { input: unknown; context?: Record<string, unknown> };
const say = (content: unknown, role = "user") => ({ messages: [{ role, content }] });

/** The bad runs of every kind, each with what the refusal must mention. */
function badRuns(mode: "open" | "token"): { kind: string; run: Run; message: RegExp }[] {
  const user = mode === "open" ? { userId: "alice" } : {};
  const runs = [
    { kind: "empty", run: { input: say(""), context: user }, message: /empty/ },
    { kind: "blank", run: { input: say("  \n\t "), context: user }, message: /empty/ },
    {
      kind: "oversized (100,000 characters)",
      run: { input: say("x".repeat(100_000)), context: user },
      message: /limit is/,
    },
    { kind: "control characters", run: { input: say("hi\u0007there"), context: user }, message: /control characters/ },
    { kind: "lone surrogate", run: { input: say("bad \ud800 text"), context: user }, message: /surrogate/ },
    { kind: "no messages", run: { input: { messages: [] }, context: user }, message: /new user message/ },
    {
      kind: "assistant message last",
      run: { input: say("I am the assistant", "assistant"), context: user },
      message: /new user message/,
    },
    { kind: "content not text", run: { input: say(42), context: user }, message: /message/ },
    {
      kind: "bad user id (300 characters)",
      run: { input: say("hello"), context: { userId: "u".repeat(300) } },
      message: /userId/,
    },
  ];
  if (mode === "open")
    runs.push({ kind: "missing user id", run: { input: say("hello"), context: {} }, message: /No user id/ });
  if (mode === "token")
    runs.push({
      kind: "forged user id",
      run: { input: say("hello"), context: { userId: bob.id } },
      message: /another user/,
    });
  return runs;
}

/** Everything a run could have changed on a thread. */
async function snapshot(client: Client, threadId: string) {
  const state = await client.threads.getState(threadId);
  const history = await client.threads.getHistory(threadId, { limit: 100 });
  const thread = await client.threads.get(threadId);
  return JSON.stringify({
    values: state.values,
    checkpoint: state.checkpoint,
    history: history.map((h) => h.checkpoint),
    metadata: thread.metadata,
    values2: thread.values,
  });
}

async function refusal(promise: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    const value = await promise;
    return { message: `not refused: ${JSON.stringify(value).slice(0, 200)}` };
  } catch (error) {
    const e = error as { status?: number; message?: string };
    return { status: e.status, message: String(e.message) };
  }
}

for (const mode of ["open", "token"] as const) {
  describe(`refused runs leave the thread as it was (${mode} mode, the SDK as client)`, { timeout: 300_000 }, () => {
    let server: DevServer;
    let client: Client;
    const context = mode === "open" ? { userId: "alice" } : {};

    beforeAll(async () => {
      server = await startDevServer(
        "test/e2e/langgraph.json",
        mode === "token" ? { AUTH_TOKENS: `${alice.id}:${alice.token},${bob.id}:${bob.token}` } : {},
      );
      client = new Client({ apiUrl: server.url, apiKey: mode === "token" ? alice.token : null });
    });
    afterAll(async () => server?.stop());

    it("refuses each kind with 400 (403 for a forged user) and a message saying what to change, before the run exists", async () => {
      const thread = await client.threads.create();
      const first = (await client.runs.wait(thread.thread_id, "memory_chat", {
        input: say("I live in Lisbon."),
        context,
      })) as { messages: unknown[] };
      expect(first.messages).toHaveLength(2);
      const before = await snapshot(client, thread.thread_id);

      let tried = 0;
      let changed = 0;
      const wrong: string[] = [];
      for (let i = 0; i < REPEATS; i++) {
        for (const { kind, run, message } of badRuns(mode)) {
          // Alternate the SDK's two ways to run: wait for the result, and stream it.
          const attempt =
            i % 2 === 0
              ? client.runs.wait(thread.thread_id, "memory_chat", run as never)
              : (async () => {
                  for await (const _ of client.runs.stream(thread.thread_id, "memory_chat", run as never)) void _;
                  return "streamed to the end";
                })();
          const result = await refusal(attempt);
          tried++;
          // Signed in, any user id but one's own names another user.
          const expected = mode === "token" && /user id/.test(kind) ? 403 : 400;
          if (result.status !== expected || !message.test(result.message))
            wrong.push(`${kind}: ${result.status} ${result.message.slice(0, 160)}`);
          if ((await snapshot(client, thread.thread_id)) !== before) changed++;
        }
      }
      recordFigure({ group: "refused runs", name: `refused runs tried (${mode} mode, SDK client)`, value: tried });
      recordFigure({
        group: "refused runs",
        name: `refused runs that changed the thread (${mode} mode)`,
        value: changed,
        goal: 0,
      });
      expect(wrong).toEqual([]);
      expect(changed).toBe(0);

      // The thread goes on as if nothing had been sent: the next turn sees one earlier turn.
      const next = (await client.runs.wait(thread.thread_id, "memory_chat", {
        input: say("Where do I live?"),
        context,
      })) as {
        messages: { content: unknown }[];
      };
      expect(next.messages).toHaveLength(4);
      expect(JSON.stringify(next)).not.toContain("xxxxxxxxxx");
    });

    it("a refused run on a thread id that does not exist yet (if_not_exists: create) creates no thread", async () => {
      const threadId = randomUUID();
      const result = await refusal(
        client.runs.wait(threadId, "memory_chat", { input: say(""), context, ifNotExists: "create" }),
      );
      expect(result.status).toBe(400);
      await expect(client.threads.get(threadId)).rejects.toMatchObject({ status: 404 });
    });
  });
}
