import { afterEach, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { loadSettings } from "../../src/config/settings.js";
import { buildGraph } from "../../src/graph/builder.js";
import { runContext } from "../../src/graph/context.js";
import { createChatModel } from "../../src/models/chat.js";
import { makeTestDeps } from "../graph/graph-harness.js";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { MemoryEngine } from "../../src/memory/engine.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import { classifyFailure, MALFORMED_OUTPUT_ATTEMPTS } from "../../src/memory/queue/retry-policy.js";
import { MalformedOutputError } from "../../src/models/structured.js";
import { startFakeOpenAI, type Behaviour } from "./fake-openai-server.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

async function modelAgainst(script: Behaviour[], env: Record<string, string> = {}) {
  const server = await startFakeOpenAI(script);
  close = server.close;
  const model = await createChatModel(
    loadSettings({
      CHAT_MODEL: "openai:fake",
      OPENAI_BASE_URL: server.url,
      MODEL_MAX_RETRIES: "2",
      MODEL_TIMEOUT_S: "2",
      ...env,
    }),
  );
  return { model, server };
}

describe("chat model faults over real HTTP (OpenAI-compatible endpoint)", () => {
  it.each([
    ["rate limits (429 with Retry-After)", 429],
    ["server errors (500)", 500],
    ["bad gateway (502)", 502],
  ])(
    "retries %s with backoff and then succeeds",
    async (_label, status) => {
      const { model, server } = await modelAgainst([{ status }, { status }, { text: "Recovered fine." }]);
      const reply = await model.invoke([new HumanMessage("hello")]);
      expect(reply.content).toBe("Recovered fine.");
      expect(server.requests()).toBe(3);
    },
    30_000,
  );

  it("reports the failure after the retries are used up", async () => {
    const { model, server } = await modelAgainst([{ status: 503 }]);
    await expect(model.invoke([new HumanMessage("hello")])).rejects.toThrow(/503/);
    expect(server.requests()).toBe(3);
  }, 30_000);

  it("gives up on a hanging endpoint after the timeout", async () => {
    const { model } = await modelAgainst([{ hang: true }], { MODEL_MAX_RETRIES: "0", MODEL_TIMEOUT_S: "1" });
    const started = Date.now();
    await expect(model.invoke([new HumanMessage("hello")])).rejects.toThrow(/time|abort/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it("does not retry a client error (400), which retrying would only repeat", async () => {
    const { model, server } = await modelAgainst([{ status: 400 }]);
    await expect(model.invoke([new HumanMessage("hello")])).rejects.toThrow(/400/);
    expect(server.requests()).toBe(1);
  }, 30_000);

  it("in the graph: a failing endpoint fails the run with the endpoint's error, and stores nothing", async () => {
    const { model } = await modelAgainst([{ status: 500 }]);
    const { deps, store } = makeTestDeps();
    deps.chatModel = async () => model;
    const graph = buildGraph(deps).compile({ checkpointer: new MemorySaver() });
    await expect(
      graph.invoke(
        { messages: [new HumanMessage("I like tea.")] },
        { configurable: { thread_id: "t" }, context: runContext({ userId: "u" }) },
      ),
    ).rejects.toThrow(/500/);
    expect(await store.list("u")).toEqual([]);
  }, 60_000);

  it("in the engine: malformed output from the endpoint is reported, never a crash, and the queue gives it a few tries", async () => {
    const { model } = await modelAgainst([{ text: "Sure! Here are the facts: none really." }]);
    const store = new InMemoryMemoryStore();
    const engine = new MemoryEngine({
      store,
      embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
      dims: 16,
      chatModel: model,
    });
    const error = await engine.add("I like tea.", { userId: "u" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedOutputError);
    expect((error as Error).message).toMatch(/no JSON object/);
    expect(classifyFailure(error)).toMatchObject({ kind: "permanent", maxAttempts: MALFORMED_OUTPUT_ATTEMPTS });
    expect(await store.list("u")).toEqual([]);
  }, 30_000);

  it("the retry policy reads the real client's errors: 429 and 5xx are transient, other 4xx permanent, a hang a timeout", async () => {
    const kinds: Record<string, string> = {};
    for (const [label, behaviour] of [
      ["429", { status: 429 }],
      ["503", { status: 503 }],
      ["400", { status: 400 }],
      ["401", { status: 401 }],
      ["hang", { hang: true }],
    ] as const) {
      const { model } = await modelAgainst([behaviour], { MODEL_MAX_RETRIES: "0", MODEL_TIMEOUT_S: "1" });
      const error = await model.invoke([new HumanMessage("hello")]).catch((e: unknown) => e);
      kinds[label] = classifyFailure(error).kind;
      await close?.();
      close = undefined;
    }
    expect(kinds).toEqual({
      "429": "transient",
      "503": "transient",
      "400": "permanent",
      "401": "permanent",
      hang: "transient",
    });
  }, 60_000);
});
