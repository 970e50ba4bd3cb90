import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { runContext } from "../../src/graph/context.js";
import { compileTestGraph, makeTestDeps } from "./graph-harness.js";

const turn = (content: string) => ({ messages: [new HumanMessage(content)] });
const run = (userId: string, thread: string) => ({
  configurable: { thread_id: thread },
  context: runContext({ userId }),
});

describe("compiled memory chat graph", () => {
  it("runs the five nodes in order for every turn", async () => {
    const { deps } = makeTestDeps();
    const graph = compileTestGraph(deps);
    const order: string[] = [];
    for await (const update of await graph.stream(turn("Hello there"), {
      ...run("alice", "t-order"),
      streamMode: "updates",
    })) {
      order.push(...Object.keys(update));
    }
    expect(order).toEqual(["loadHistory", "rewriteQuestion", "retrieveMemories", "answer", "updateMemory"]);
    const nodes = Object.keys(graph.getGraph().nodes).filter((n) => !n.startsWith("__"));
    expect(nodes).toEqual(["loadHistory", "rewriteQuestion", "retrieveMemories", "answer", "updateMemory"]);
  });

  it("uses a fact told in one thread in another thread of the same user", async () => {
    const { deps, model } = makeTestDeps();
    const graph = compileTestGraph(deps);
    const first = await graph.invoke(turn("I live in Lisbon and I work as a nurse."), run("alice", "thread-1"));
    expect(first.memoryChanges.map((c: { operation: string }) => c.operation)).toContain("ADD");

    const second = await graph.invoke(turn("Where do I live? Lisbon or Porto?"), run("alice", "thread-2"));
    expect(second.memories.map((m: { text: string }) => m.text)).toContain("I live in Lisbon and I work as a nurse.");
    const answer = second.messages.at(-1)!.content as string;
    expect(answer).toContain("Lisbon");
    // The new thread starts with no short-term memory of the first one.
    expect(second.recentMessages).toHaveLength(0);
    expect(model.callsOf("answer").at(-1)!.messages.length).toBe(2);
  });

  it("never shows one user's memories to another", async () => {
    const { deps, store } = makeTestDeps();
    const graph = compileTestGraph(deps);
    await graph.invoke(turn("I live in Lisbon. My sister is called Ana."), run("alice", "a-1"));
    const bob = await graph.invoke(turn("Where do I live? Lisbon? Who is Ana?"), run("bob", "b-1"));
    expect(bob.memories).toEqual([]);
    expect(await store.list("bob")).toEqual([]);
    expect((await store.list("alice")).length).toBeGreaterThan(0);
  });

  it("keeps short-term memory per thread and bounds it by the window", async () => {
    const { deps } = makeTestDeps();
    const graph = compileTestGraph(deps);
    for (let i = 0; i < 4; i++) await graph.invoke(turn(`message number ${i}`), run("carol", "window"));
    const state = await graph.invoke(turn("and now?"), {
      ...run("carol", "window"),
      context: runContext({ userId: "carol", historyWindow: 3 }),
    });
    expect(state.recentMessages).toHaveLength(3);
    expect(state.messages).toHaveLength(10);
  });

  it("fails at once with a clear message when no user id is given", async () => {
    const { deps, model } = makeTestDeps();
    const graph = compileTestGraph(deps);
    await expect(graph.invoke(turn("hi"), { configurable: { thread_id: "x" } })).rejects.toThrow(
      /No user id: pass it in the run context/,
    );
    expect(model.calls).toHaveLength(0);
  });
});
