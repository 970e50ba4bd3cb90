/**
 * Some OpenAI-compatible servers give every completion the same id. Streamed through the real
 * graph with the real OpenAI client over HTTP, each turn's answer must still appear exactly once
 * in the messages stream, under one id of its own that the stored message keeps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BaseMessage } from "@langchain/core/messages";
import { loadSettings } from "../../src/config/settings.js";
import { runContext } from "../../src/graph/context.js";
import { createChatModel } from "../../src/models/chat.js";
import { startScriptedOpenAI, type ScriptedServer } from "../faults/scripted-openai-server.js";
import { compileTestGraph, makeTestDeps } from "./graph-harness.js";

const REPLIES = ["Bees like lavender.", "Your hives are in Lisbon."];

let endpoint: ScriptedServer;
beforeAll(async () => {
  endpoint = await startScriptedOpenAI();
});
afterAll(async () => endpoint?.close());

describe("answers from a server that reuses completion ids", () => {
  it("streams each turn's answer once, under the id its stored message keeps", async () => {
    const chatModel = await createChatModel(
      loadSettings({ CHAT_MODEL: "openai:fake", OPENAI_BASE_URL: endpoint.url, OPENAI_API_KEY: "test" }),
    );
    const { deps } = makeTestDeps();
    const graph = compileTestGraph({ ...deps, chatModel: async () => chatModel });
    const config = { configurable: { thread_id: "reused-ids" }, context: runContext({ userId: "alice" }) };
    endpoint.replies.push(...REPLIES);

    const turns: { text: string; ids: Set<string | undefined> }[] = [];
    for (const question of ["What do bees like?", "Where are my hives?"]) {
      const stream = await graph.stream(
        { messages: [{ role: "user", content: question }] },
        { ...config, streamMode: "messages" },
      );
      const turn = { text: "", ids: new Set<string | undefined>() };
      for await (const [message, metadata] of stream as AsyncIterable<[BaseMessage, { langgraph_node?: string }]>) {
        if (metadata.langgraph_node !== "answer") continue;
        turn.text += typeof message.content === "string" ? message.content : "";
        turn.ids.add(message.id);
      }
      turns.push(turn);
    }

    expect(turns.map((t) => t.text)).toEqual(REPLIES);
    const stored = (await graph.getState(config)).values.messages as BaseMessage[];
    const answers = stored.filter((m) => m.getType() === "ai");
    expect(answers.map((m) => m.content)).toEqual(REPLIES);
    for (const [i, turn] of turns.entries()) expect([...turn.ids]).toEqual([answers[i].id]);
    expect(new Set(answers.map((m) => m.id)).size).toBe(2);
  });
});
