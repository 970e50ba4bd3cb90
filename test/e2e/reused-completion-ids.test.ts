/**
 * The product served by `langgraph dev` (langgraph.json, the real graph and OpenAI client) against
 * an OpenAI-compatible endpoint that gives every completion the same id: over `/runs/stream`,
 * each turn's answer appears exactly once, in `messages-tuple` mode (token chunks) and in
 * `messages` mode (whole messages by id), from the second turn of the thread on too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedOpenAI, type ScriptedServer } from "../faults/scripted-openai-server.js";
import { api, startDevServer, streamRun, type DevServer } from "./dev-server.js";

const REPLIES = ["Bees like lavender.", "Your hives are in Lisbon.", "You keep two hives."];

let endpoint: ScriptedServer;
let server: DevServer;
beforeAll(async () => {
  endpoint = await startScriptedOpenAI();
  server = await startDevServer("langgraph.json", {
    CHAT_MODEL: "openai:fake",
    EMBEDDING_MODEL: "openai:fake",
    OPENAI_BASE_URL: endpoint.url,
    OPENAI_API_KEY: "test",
    LOG_LEVEL: "error",
  });
});
afterAll(async () => {
  await server?.stop();
  await endpoint?.close();
});

const turn = (content: string, streamMode: string) => ({
  assistant_id: "memory_chat",
  input: { messages: [{ role: "user", content }] },
  context: { userId: "alice" },
  stream_mode: streamMode,
});

describe("dev server: answers from an endpoint that reuses completion ids", () => {
  it("streams each turn's answer once", async () => {
    const thread = await api(server.url, "POST", "/threads", {});
    const threadId = thread.body.thread_id;
    endpoint.replies.push(...REPLIES);

    for (const [i, question] of ["What do bees like?", "Where are my hives?"].entries()) {
      const { events } = await streamRun(server, threadId, turn(question, "messages-tuple"));
      const chunks = events
        .filter((e) => e.event === "messages")
        .map((e) => JSON.parse(e.data!))
        .filter(([, metadata]) => metadata?.langgraph_node === "answer");
      expect(chunks.map(([chunk]) => chunk.content).join("")).toBe(REPLIES[i]);
      expect(new Set(chunks.map(([chunk]) => chunk.id)).size).toBe(1);
    }

    // `messages` mode: each event carries whole messages, keyed by id, as the SDK's useStream reads them.
    const { events } = await streamRun(server, threadId, turn("How many hives do I keep?", "messages"));
    // (Earlier turns' messages pass through too, as other nodes' outputs: the answer node's count.)
    const node = new Map<string, string>();
    const answers = new Map<string, string>();
    for (const e of events) {
      if (e.event === "messages/metadata") {
        for (const [id, meta] of Object.entries(
          JSON.parse(e.data!) as Record<string, { metadata?: { langgraph_node?: string } }>,
        )) {
          node.set(id, meta.metadata?.langgraph_node ?? "");
        }
      }
      if (e.event === "messages/partial" || e.event === "messages/complete") {
        for (const m of JSON.parse(e.data!)) if (node.get(m.id) === "answer") answers.set(m.id, m.content);
      }
    }
    expect([...answers.values()]).toEqual([REPLIES[2]]);

    const state = await api(server.url, "GET", `/threads/${threadId}/state`);
    const stored = state.body.values.messages.filter((m: { type: string }) => m.type === "ai");
    expect(stored.map((m: { content: string }) => m.content)).toEqual(REPLIES);
    expect(new Set(stored.map((m: { id: string }) => m.id)).size).toBe(3);
  });
});
