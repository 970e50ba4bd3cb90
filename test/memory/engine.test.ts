import { describe, expect, it } from "vitest";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import type { BaseMessage } from "@langchain/core/messages";
import { MemoryEngine, ModelTimeoutError } from "../../src/memory/engine.js";
import { TenantViolationError } from "../../src/memory/filter.js";
import { MalformedOutputError, messageText } from "../../src/models/structured.js";
import { parseTimeRange } from "../../src/memory/time-range.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import { ScriptedChatModel, type PromptKind } from "../helpers/scripted-model.js";

/** An engine whose model answers extraction and reconciliation from queues of scripted replies. */
function engineWith(replies: Partial<Record<PromptKind, string[]>>, now = "2025-06-01T00:00:00Z") {
  const queues = { extract: [...(replies.extract ?? [])], reconcile: [...(replies.reconcile ?? [])] };
  const model = new ScriptedChatModel((kind) => {
    const next = queues[kind as "extract" | "reconcile"]?.shift();
    if (next === undefined) throw new Error(`no scripted ${kind} reply left`);
    return next;
  });
  const store = new InMemoryMemoryStore();
  const deps = {
    store,
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
    chatModel: model,
    halfLifeDays: 0,
    now: () => new Date(now),
  };
  const engine = new MemoryEngine(deps);
  return { engine, store, model, deps };
}

const facts = (...items: Array<{ text: string; category?: string; eventTime?: string | null; forget?: boolean }>) =>
  JSON.stringify({ facts: items.map((f) => ({ category: "preference", about: "user", eventTime: null, ...f })) });
const decisions = (...items: Array<{ fact: string; action: string; memory?: number; text?: string }>) =>
  JSON.stringify({ decisions: items });
const lastPrompt = (messages: BaseMessage[]) => messageText(messages.at(-1)!);

describe("memory engine: keeping facts true over time", () => {
  it("supersedes a changed fact: today's search returns the new one, asOf the old one, history both", async () => {
    const { engine, store } = engineWith({
      extract: [
        facts({ text: "Mostly asks front-end questions", category: "skill" }),
        facts({ text: "Only works on back-end these days", category: "skill" }),
      ],
      reconcile: [decisions({ fact: "A", action: "SUPERSEDE", memory: 0, text: "Only works on back-end these days" })],
    });
    await engine.add("I mostly ask front-end questions", { userId: "ana", time: "2025-03-10T09:00:00Z" });
    const result = await engine.add("these days I only work on back-end", {
      userId: "ana",
      time: "2025-05-10T09:00:00Z",
    });
    expect(result.changes).toEqual([
      expect.objectContaining({ operation: "SUPERSEDE", oldText: "Mostly asks front-end questions" }),
    ]);

    const now = await engine.search("front-end or back-end work", { userId: "ana" });
    expect(now.map((h) => h.memory.text)).toEqual(["Only works on back-end these days"]);
    const april = await engine.search("front-end or back-end work", { userId: "ana", asOf: "2025-04-01T00:00:00Z" });
    expect(april.map((h) => h.memory.text)).toEqual(["Mostly asks front-end questions"]);
    const all = await engine.search("front-end or back-end work", { userId: "ana", includeHistory: true });
    expect(all.map((h) => h.memory.text).sort()).toEqual([
      "Mostly asks front-end questions",
      "Only works on back-end these days",
    ]);

    const old = (await store.list("ana")).find((m) => m.text.startsWith("Mostly"))!;
    expect(old.validTo).toBe("2025-05-10T09:00:00.000Z");
    expect(old.supersededBy).toBe(result.changes[0].memoryId);
    expect((await engine.history(old.id, { userId: "ana" })).map((h) => h.operation)).toEqual(["ADD", "SUPERSEDE"]);
  });

  it("updates a refined fact in place and records old and new text", async () => {
    const { engine } = engineWith({
      extract: [facts({ text: "Has a dog" }), facts({ text: "Has a dog called Rex" })],
      reconcile: [decisions({ fact: "A", action: "UPDATE", memory: 0, text: "Has a dog called Rex" })],
    });
    const [added] = (await engine.add("I have a dog", { userId: "u" })).changes;
    const { changes } = await engine.add("my dog is called Rex", { userId: "u" });
    expect(changes).toEqual([
      expect.objectContaining({
        operation: "UPDATE",
        memoryId: added.memoryId,
        oldText: "Has a dog",
        text: "Has a dog called Rex",
      }),
    ]);
    const history = await engine.history(added.memoryId, { userId: "u" });
    expect(history.at(-1)).toMatchObject({
      operation: "UPDATE",
      oldText: "Has a dog",
      newText: "Has a dog called Rex",
    });
  });

  it("deletes on request, keeping the deletion in history; NONE changes nothing", async () => {
    const { engine } = engineWith({
      extract: [
        facts({ text: "Lives in Porto" }),
        facts({ text: "Lives in Porto" }),
        facts({ text: "Lives in Porto", forget: true }),
      ],
      reconcile: [decisions({ fact: "A", action: "NONE" }), decisions({ fact: "A", action: "DELETE", memory: 0 })],
    });
    const [added] = (await engine.add("I live in Porto", { userId: "u" })).changes;
    expect((await engine.add("as I said, Porto", { userId: "u" })).changes).toEqual([]);
    expect((await engine.add("forget where I live", { userId: "u" })).changes).toEqual([
      expect.objectContaining({ operation: "DELETE" }),
    ]);
    expect(await engine.search("Porto", { userId: "u" })).toEqual([]);
    expect((await engine.history(added.memoryId, { userId: "u" })).map((h) => h.operation)).toEqual(["ADD", "DELETE"]);
  });

  it("shows the model short indices, never ids, and retries once with the validation error", async () => {
    const { engine, model } = engineWith({
      extract: [facts({ text: "Likes tea" }), facts({ text: "Likes green tea" })],
      reconcile: [
        decisions({ fact: "A", action: "UPDATE", memory: 7 }),
        decisions({ fact: "A", action: "UPDATE", memory: 0, text: "Likes green tea" }),
      ],
    });
    const [added] = (await engine.add("I like tea", { userId: "u" })).changes;
    const { changes } = await engine.add("green tea especially", { userId: "u" });
    expect(changes[0]).toMatchObject({ operation: "UPDATE", memoryId: added.memoryId });
    const [first, retry] = model.callsOf("reconcile");
    expect(lastPrompt(first.messages)).toContain("[0] Likes tea");
    expect(lastPrompt(first.messages)).not.toContain(added.memoryId);
    expect(lastPrompt(retry.messages)).toMatch(/needs "memory" as a number from 0 to 0/);
  });

  it("reports output that stays malformed (never silent, never a crash); the same turn tried again stores it", async () => {
    const { engine } = engineWith({ extract: ["not json", "still not json", facts({ text: "Plays chess" })] });
    await expect(engine.add("I play chess", { userId: "u" })).rejects.toThrow(MalformedOutputError);
    expect(await engine.list({ userId: "u" })).toEqual([]);
    // What the queue does with such a job: another try.
    expect((await engine.add("I play chess", { userId: "u" })).changes.map((c) => c.text)).toEqual(["Plays chess"]);
  });

  it("gives up a model call at its deadline and frees the user's lock for the next update", async () => {
    const { deps, model } = engineWith({ extract: [facts({ text: "Plays chess" })] });
    const invoke = model.invoke.bind(model);
    let hang = true;
    model.invoke = (async (...args: Parameters<typeof model.invoke>) => {
      if (hang) return new Promise(() => undefined); // a local model that never answers and ignores the signal
      return invoke(...args);
    }) as typeof model.invoke;
    const timed = new MemoryEngine({ ...deps, chatModel: model, modelTimeoutMs: 100 });
    const started = Date.now();
    await expect(timed.add("I play chess", { userId: "u" })).rejects.toThrow(ModelTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_000);
    hang = false;
    expect((await timed.add("I play chess", { userId: "u" })).changes.map((c) => c.text)).toEqual(["Plays chess"]);
  });

  it("stops an update when its signal aborts, before anything is written", async () => {
    const { engine, model } = engineWith({ extract: [facts({ text: "Plays chess" })] });
    model.invoke = (() => new Promise(() => undefined)) as typeof model.invoke;
    const cancel = new AbortController();
    const adding = engine.add("I play chess", { userId: "u" }, { signal: cancel.signal });
    setTimeout(() => cancel.abort(new Error("worker shutting down")), 20);
    await expect(adding).rejects.toThrow(/worker shutting down/);
    expect(await engine.list({ userId: "u" })).toEqual([]);
  });

  it("stores facts from the user's words only, with the assistant's reply marked as context", async () => {
    const { engine, model } = engineWith({ extract: [facts()] });
    expect(
      (await engine.add([{ role: "assistant", content: "You should move to Rome." }], { userId: "u" })).changes,
    ).toEqual([]);
    expect(model.calls).toHaveLength(0);
    await engine.add(
      [
        { role: "user", content: "Any tips?" },
        { role: "assistant", content: "Move to Rome." },
      ],
      { userId: "u" },
    );
    const prompt = lastPrompt(model.calls[0].messages);
    expect(prompt).toMatch(/<user>\nAny tips\?\n<\/user>/);
    expect(prompt).toMatch(/context only, not facts about the user[\s\S]*<assistant>\nMove to Rome\.\n<\/assistant>/);
  });

  it("is idempotent: the same turn or the same ready facts twice store one memory", async () => {
    const { engine } = engineWith({
      extract: [facts({ text: "Keeps bees" }), facts({ text: "Keeps bees" })],
      reconcile: [decisions({ fact: "A", action: "ADD" })],
    });
    await engine.add("I keep bees", { userId: "u", sourceId: "m1" });
    await engine.add("I keep bees", { userId: "u", sourceId: "m1" });
    await engine.add("", { userId: "u", infer: false, facts: [{ text: "Born in 1990", sourceId: "d1" }] });
    await engine.add("", { userId: "u", infer: false, facts: [{ text: "Born in 1990", sourceId: "d1" }] });
    expect((await engine.list({ userId: "u" })).map((m) => m.text).sort()).toEqual(["Born in 1990", "Keeps bees"]);
  });

  it("never leaves a memory without the history entry that made it, when the store fails between the two writes", async () => {
    const { engine, store } = engineWith({
      extract: [facts({ text: "Keeps bees" }), facts({ text: "Keeps bees" })],
      reconcile: [decisions({ fact: "A", action: "ADD" }), decisions({ fact: "A", action: "ADD" })],
    });
    // The second of the two writes of a change is lost once (a process killed, a store gone).
    let writes = 0;
    const failSecond =
      <A extends unknown[]>(write: (...args: A) => Promise<void>) =>
      async (...args: A) => {
        if (++writes === 2) throw new Error("connection lost");
        return write(...args);
      };
    store.put = failSecond(store.put.bind(store));
    store.appendHistory = failSecond(store.appendHistory.bind(store));
    await expect(engine.add("I keep bees", { userId: "u", sourceId: "m1" })).rejects.toThrow(/connection lost/);
    await engine.add("I keep bees", { userId: "u", sourceId: "m1" }); // the replay
    await engine.add("", { userId: "u", infer: false, facts: [{ text: "Born in 1990", sourceId: "d1" }] });
    const memories = await engine.list({ userId: "u" });
    expect(memories.map((m) => m.text).sort()).toEqual(["Born in 1990", "Keeps bees"]);
    for (const m of memories)
      expect((await engine.history(m.id, { userId: "u" })).map((h) => h.operation)).toEqual(["ADD"]);
  });

  it("keeps Chinese facts in Chinese and finds them with a Chinese question", async () => {
    const { engine } = engineWith({ extract: [facts({ text: "喜欢在周末爬山", category: "preference" })] });
    await engine.add("我周末喜欢去爬山", { userId: "li" });
    await engine.add("", { userId: "li", infer: false, facts: [{ text: "Works as a nurse" }] });
    const hits = await engine.search("我喜欢什么运动？爬山吗", { userId: "li", limit: 1 });
    expect(hits[0].memory.text).toBe("喜欢在周末爬山");
  });
});

describe("memory engine: search filters, tenants and time", () => {
  async function seeded() {
    const { engine } = engineWith({});
    await engine.add("", {
      userId: "alice",
      infer: false,
      time: "2024-12-20T00:00:00Z",
      facts: [{ text: "Planned a trip to Japan", category: "plan", metadata: { source: "chat" } }],
    });
    await engine.add("", {
      userId: "alice",
      infer: false,
      time: "2025-02-03T00:00:00Z",
      threadId: "t2",
      facts: [
        { text: "Went on a trip to Japan", category: "event", eventTime: "2025-01-28", metadata: { source: "import" } },
      ],
    });
    await engine.add("", { userId: "bob", infer: false, facts: [{ text: "Took a trip to Japan too" }] });
    return engine;
  }
  const texts = (hits: { memory: { text: string } }[]) => hits.map((h) => h.memory.text).sort();

  it("combines category, time, thread and metadata conditions with AND / OR", async () => {
    const engine = await seeded();
    const q = "trip to Japan";
    expect(texts(await engine.search(q, { userId: "alice", filter: { category: { in: ["plan"] } } }))).toEqual([
      "Planned a trip to Japan",
    ]);
    expect(
      texts(
        await engine.search(q, {
          userId: "alice",
          filter: { AND: [{ user_id: "alice" }, { time: { gte: "2025-01-01" } }] },
        }),
      ),
    ).toEqual(["Went on a trip to Japan"]);
    expect(
      texts(
        await engine.search(q, { userId: "alice", filter: { eventTime: { gte: "2025-01-01", lt: "2025-02-01" } } }),
      ),
    ).toEqual(["Went on a trip to Japan"]);
    expect(texts(await engine.search(q, { userId: "alice", filter: { threadId: "t2" } }))).toEqual([
      "Went on a trip to Japan",
    ]);
    expect(
      texts(
        await engine.search(q, {
          userId: "alice",
          filter: { OR: [{ source: "chat" }, { "metadata.source": "import" }] },
        }),
      ),
    ).toHaveLength(2);
  });

  it("never lets a filter or metadata name another tenant", async () => {
    const engine = await seeded();
    await expect(engine.search("Japan", { userId: "alice", filter: { user_id: "bob" } })).rejects.toThrow(
      TenantViolationError,
    );
    await expect(
      engine.search("Japan", { userId: "alice", filter: { OR: [{ user_id: { in: ["bob"] } }] } }),
    ).rejects.toThrow(TenantViolationError);
    await expect(
      engine.add("", { userId: "alice", infer: false, facts: [{ text: "x" }], metadata: { user_id: "bob" } }),
    ).rejects.toThrow(TenantViolationError);
    expect(texts(await engine.search("Japan", { userId: "bob" }))).toEqual(["Took a trip to Japan too"]);
  });

  it("ranks memories from a period named in the question first", async () => {
    const engine = await seeded();
    const hits = await engine.search("what did I do last month about Japan", {
      userId: "alice",
      now: "2025-02-15T00:00:00Z",
    });
    expect(hits[0].memory.text).toBe("Went on a trip to Japan");
    const older = await engine.search("what did I plan in December 2024 about Japan", { userId: "alice" });
    expect(older[0].memory.text).toBe("Planned a trip to Japan");
  });

  it("reads period expressions in English and Chinese", () => {
    const now = new Date("2025-03-12T10:00:00Z"); // a Wednesday
    const cases: Array<[string, string, string]> = [
      ["what did I eat yesterday", "2025-03-11", "2025-03-12"],
      ["last week", "2025-03-03", "2025-03-10"],
      ["last month", "2025-02-01", "2025-03-01"],
      ["in 2023", "2023-01-01", "2024-01-01"],
      ["back in May 2023", "2023-05-01", "2023-06-01"],
      ["3 days ago", "2025-03-09", "2025-03-10"],
      ["昨天吃了什么", "2025-03-11", "2025-03-12"],
      ["上周去了哪里", "2025-03-03", "2025-03-10"],
      ["上个月", "2025-02-01", "2025-03-01"],
      ["去年", "2024-01-01", "2025-01-01"],
      ["2023年5月", "2023-05-01", "2023-06-01"],
      ["三天前", "2025-03-09", "2025-03-10"],
    ];
    for (const [text, gte, lt] of cases) expect(parseTimeRange(text, now), text).toMatchObject({ gte, lt });
    expect(parseTimeRange("what is my favourite colour", now)).toBeNull();
  });

  it("forgets a user completely: memories, history and queued updates, and no one else", async () => {
    const { engine, deps } = engineWith({});
    const erasedJobs: string[] = [];
    const forgetting = new MemoryEngine({
      ...deps,
      jobs: { forgetUser: async (userId) => (erasedJobs.push(userId), 1) },
    });
    await forgetting.add("", { userId: "alice", infer: false, facts: [{ text: "A" }, { text: "B" }] });
    await forgetting.add("", { userId: "bob", infer: false, facts: [{ text: "C" }] });
    const [a] = await forgetting.list({ userId: "alice" });
    expect(await forgetting.forgetUser("alice")).toEqual({
      memories: 2,
      history: 2,
      queuedUpdates: 1,
      entities: 0,
      relations: 0,
      profiles: 0,
      questions: 0,
    });
    expect(erasedJobs).toEqual(["alice"]);
    expect(await engine.list({ userId: "alice", includeHistory: true })).toEqual([]);
    expect(await engine.history(a.id, { userId: "alice" })).toEqual([]);
    expect((await engine.list({ userId: "bob" })).map((m) => m.text)).toEqual(["C"]);
  });

  it("rejects bad user ids and times with messages that say what to pass", async () => {
    const { engine } = engineWith({});
    await expect(engine.search("x", { userId: "" })).rejects.toThrow(/userId is required/);
    await expect(engine.search("x", { userId: "a".repeat(300) })).rejects.toThrow(/at most 256/);
    await expect(engine.search("x", { userId: "a\u0000b" })).rejects.toThrow(/control characters/);
    await expect(
      engine.add("", { userId: "u", infer: false, facts: [{ text: "x" }], time: "yesterday-ish" }),
    ).rejects.toThrow(/ISO 8601/);
  });

  it("never touches another user's memory through its id", async () => {
    const engine = await seeded();
    const [bobs] = await engine.list({ userId: "bob" });
    expect(await engine.get(bobs.id, { userId: "alice" })).toBeNull();
    await expect(engine.update(bobs.id, "hacked", { userId: "alice" })).rejects.toThrow(/No memory with id/);
    await expect(engine.delete(bobs.id, { userId: "alice" })).rejects.toThrow(/No memory with id/);
    expect(await engine.history(bobs.id, { userId: "alice" })).toEqual([]);
    expect((await engine.get(bobs.id, { userId: "bob" }))?.text).toBe("Took a trip to Japan too");
  });
});
