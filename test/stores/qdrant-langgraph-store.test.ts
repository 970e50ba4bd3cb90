/**
 * QdrantStore as LangGraph's BaseStore, against a real Qdrant (QDRANT_URL): the BaseStore
 * operations, then a compiled graph that reads and writes long-term data through `config.store`.
 */
import { randomUUID } from "node:crypto";
import { Embeddings } from "@langchain/core/embeddings";
import { Annotation, getStore, type LangGraphRunnableConfig, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QdrantStore } from "../../src/stores/qdrant-langgraph-store.js";

const QDRANT_URL = process.env.QDRANT_URL;
if (!QDRANT_URL) {
  console.log("skipped: no QDRANT_URL (start Qdrant and set QDRANT_URL=http://127.0.0.1:6333 to run the Qdrant LangGraph store tests)");
}

/** Topic words → axes: texts about the same topic get similar vectors. Deterministic, offline. */
const TOPICS = ["food", "pizza", "music", "guitar", "travel", "train", "code", "rust"];
class TopicEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  private embed(text: string): number[] {
    const lower = text.toLowerCase();
    const v = TOPICS.map((t) => (lower.includes(t) ? 1 : 0));
    return v.some(Boolean) ? v : [...v.slice(0, 7), 0.01];
  }
  async embedDocuments(texts: string[]) {
    return texts.map((t) => this.embed(t));
  }
  async embedQuery(text: string) {
    return this.embed(text);
  }
}

describe.skipIf(!QDRANT_URL)("QdrantStore (LangGraph BaseStore, real server)", () => {
  const base = `memory_chat_test_${randomUUID().slice(0, 8)}`;
  let store: QdrantStore;
  beforeAll(() => {
    store = new QdrantStore({
      url: QDRANT_URL!,
      collection: base,
      index: { embeddings: new TopicEmbeddings(), dims: TOPICS.length, fields: ["text"] },
    });
  });
  afterAll(async () => store?.dropCollection());

  it("put / get / update / delete keep namespaces apart and keep createdAt", async () => {
    await store.put(["users", "alice", "prefs"], "theme", { text: "dark theme", n: 1 });
    await store.put(["users", "bob", "prefs"], "theme", { text: "light theme", n: 2 });
    const alice = await store.get(["users", "alice", "prefs"], "theme");
    expect(alice).toMatchObject({ namespace: ["users", "alice", "prefs"], key: "theme", value: { text: "dark theme", n: 1 } });
    expect((await store.get(["users", "bob", "prefs"], "theme"))!.value.text).toBe("light theme");
    expect(await store.get(["users", "carol", "prefs"], "theme")).toBeNull();

    await new Promise((r) => setTimeout(r, 5));
    await store.put(["users", "alice", "prefs"], "theme", { text: "solarized", n: 3 });
    const updated = (await store.get(["users", "alice", "prefs"], "theme"))!;
    expect(updated.value).toEqual({ text: "solarized", n: 3 });
    expect(updated.createdAt.getTime()).toBe(alice!.createdAt.getTime());
    expect(updated.updatedAt.getTime()).toBeGreaterThan(alice!.updatedAt.getTime());

    await store.delete(["users", "alice", "prefs"], "theme");
    expect(await store.get(["users", "alice", "prefs"], "theme")).toBeNull();
    expect(await store.get(["users", "bob", "prefs"], "theme")).not.toBeNull();
  });

  it("search: namespace prefix, value filters, and semantic ranking by the best field", async () => {
    const ns = ["mem", "dora"];
    await store.put([...ns, "facts"], "f1", { text: "loves pizza and food markets", kind: "taste", stars: 5 });
    await store.put([...ns, "facts"], "f2", { text: "plays guitar and music", kind: "hobby", stars: 3 });
    await store.put([...ns, "facts"], "f3", { text: "took the train to travel", kind: "hobby", stars: 4 });
    await store.put(["mem", "dorian", "facts"], "f1", { text: "pizza", kind: "taste", stars: 5 });
    await store.put([...ns, "notes"], "n1", { text: "rust code" }, false);

    const all = await store.search(ns, { limit: 10 });
    expect(all.map((i) => i.key).sort()).toEqual(["f1", "f2", "f3", "n1"]);
    expect((await store.search(["mem"], { limit: 10 })).length).toBe(5);
    expect((await store.search(ns, { filter: { kind: "hobby" } })).map((i) => i.key).sort()).toEqual(["f2", "f3"]);
    expect((await store.search(ns, { filter: { stars: { $gte: 4 } } })).map((i) => i.key).sort()).toEqual(["f1", "f3"]);
    expect((await store.search(ns, { filter: { kind: { $ne: "hobby" }, stars: { $in: [5, 3] } } })).map((i) => i.key)).toEqual(["f1"]);

    const hits = await store.search(ns, { query: "guitar music", limit: 2 });
    expect(hits[0].key).toBe("f2");
    expect(hits[0].score).toBeGreaterThan(0.9);
    expect(hits.length).toBe(2);
    expect((await store.search(ns, { query: "pizza", filter: { kind: "hobby" }, limit: 1 }))[0].key).not.toBe("f1");
    // An item stored with index=false has no vector, so semantic search never returns it.
    expect((await store.search(ns, { query: "rust code", limit: 10 })).map((i) => i.key)).not.toContain("n1");
    const paged = await store.search(ns, { limit: 2, offset: 1 });
    expect(paged.length).toBe(2);
  });

  it("listNamespaces: prefix, suffix with wildcard, depth, paging", async () => {
    await store.put(["org", "a", "docs"], "k", { text: "x" });
    await store.put(["org", "b", "docs"], "k", { text: "x" });
    await store.put(["org", "b", "chat"], "k", { text: "x" });
    expect(await store.listNamespaces({ prefix: ["org"] })).toEqual([
      ["org", "a", "docs"],
      ["org", "b", "chat"],
      ["org", "b", "docs"],
    ]);
    expect(await store.listNamespaces({ prefix: ["org", "*"], suffix: ["docs"] })).toEqual([
      ["org", "a", "docs"],
      ["org", "b", "docs"],
    ]);
    expect(await store.listNamespaces({ prefix: ["org"], maxDepth: 2 })).toEqual([
      ["org", "a"],
      ["org", "b"],
    ]);
    expect(await store.listNamespaces({ prefix: ["org"], limit: 1, offset: 1 })).toEqual([["org", "b", "chat"]]);
  });

  it("a compiled graph reads and writes long-term data through config.store", async () => {
    const State = Annotation.Root({ userId: Annotation<string>, note: Annotation<string>, recalled: Annotation<string[]> });
    const remember = async (state: typeof State.State, config: LangGraphRunnableConfig) => {
      await config.store!.put(["notes", state.userId], randomUUID(), { text: state.note });
      return {};
    };
    const recall = async (state: typeof State.State) => {
      const items = await getStore()!.search(["notes", state.userId], { query: state.note, limit: 5 });
      return { recalled: items.map((i) => String(i.value.text)) };
    };
    const graph = new StateGraph(State)
      .addNode("remember", remember)
      .addNode("recall", recall)
      .addEdge(START, "remember")
      .addEdge("remember", "recall")
      .compile({ store, checkpointer: new MemorySaver() });

    const run = (userId: string, note: string) =>
      graph.invoke({ userId, note, recalled: [] }, { configurable: { thread_id: randomUUID() } });
    await run("u1", "I play guitar music");
    const second = await run("u1", "guitar tonight");
    expect(second.recalled).toEqual(["guitar tonight", "I play guitar music"]);
    // Another user's namespace stays empty of u1's notes.
    const other = await run("u2", "guitar lessons");
    expect(other.recalled).toEqual(["guitar lessons"]);
    expect((await store.search(["notes", "u1"], { limit: 10 })).length).toBe(2);
  });

  it("a store for another embedding size refuses the collection, naming both sizes", async () => {
    const wrong = new QdrantStore({
      url: QDRANT_URL!,
      collection: base,
      index: { embeddings: new TopicEmbeddings(), dims: 3 },
    });
    await expect(wrong.get(["a"], "b")).rejects.toThrow(/holds 8-dimension vectors .* makes 3-dimension/);
  });
});
