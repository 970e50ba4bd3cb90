import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startDevServer, type DevServer } from "../e2e/dev-server.js";

/**
 * The /store/* overrides: what Studio's memory view and the SDK's client.store see is the real
 * long-term memory (namespace ["memories", userId], key = memory id), not the dev server's own store.
 */
describe("LangGraph store routes over long-term memory (SDK client against the running dev server)", () => {
  let server: DevServer;
  let client: Client;

  beforeAll(async () => {
    server = await startDevServer("test/e2e/langgraph.json");
    client = new Client({ apiUrl: server.url });
  });
  afterAll(async () => server?.stop());

  it("shows what a chat turn stored: search, query search, get, namespaces", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "memory_chat", {
      input: { messages: [{ role: "user", content: "I live in Oslo. I collect stamps." }] },
      context: { userId: "olga" },
    });
    const all = await client.store.searchItems(["memories", "olga"]);
    expect(all.items.map((i) => i.value.text).sort()).toEqual(["I collect stamps.", "I live in Oslo."]);
    const item = all.items[0];
    expect(item.namespace).toEqual(["memories", "olga"]);
    expect(item.key).toBe(item.value.id);
    expect(item.createdAt).toBe(item.value.createdAt);
    expect(item.value).not.toHaveProperty("hash");
    expect(item.value).not.toHaveProperty("indexText");

    const hits = await client.store.searchItems(["memories", "olga"], { query: "stamps", limit: 1 });
    expect(hits.items).toHaveLength(1);
    expect(hits.items[0].value.text).toBe("I collect stamps.");
    expect(typeof hits.items[0].score).toBe("number");

    const filtered = await client.store.searchItems(["memories", "olga"], { filter: { category: { $eq: "plan" } } });
    expect(filtered.items).toEqual([]);

    const got = await client.store.getItem(["memories", "olga"], item.key);
    expect(got?.value.text).toBe(item.value.text);
    expect(await client.store.getItem(["memories", "olga"], "no-such-key")).toBeNull();

    expect(await client.store.listNamespaces({ prefix: ["memories", "olga"] })).toEqual({
      namespaces: [["memories", "olga"]],
    });
    expect(await client.store.listNamespaces({ prefix: ["memories", "nobody"] })).toEqual({ namespaces: [] });
    expect(await client.store.listNamespaces({ prefix: ["memories", "olga"], maxDepth: 1 })).toEqual({
      namespaces: [["memories"]],
    });
  });

  it("puts a new memory and edits it through the engine, so the edit is in its history", async () => {
    await client.store.putItem(["memories", "pia"], "ignored-key", { text: "I play the cello.", category: "skill" });
    const [cello] = (await client.store.searchItems(["memories", "pia"])).items;
    expect(cello.value).toMatchObject({ text: "I play the cello.", category: "skill", userId: "pia" });

    await client.store.putItem(["memories", "pia"], cello.key, {
      ...cello.value,
      text: "I play the cello and the viola.",
    });
    const edited = await client.store.getItem(["memories", "pia"], cello.key);
    expect(edited?.value.text).toBe("I play the cello and the viola.");
    const history = await api(server.url, "GET", `/memories/${cello.key}/history?userId=pia`);
    expect(history.body.history.map((h: { operation: string }) => h.operation)).toEqual(["ADD", "UPDATE"]);

    const raw = await fetch(`${server.url}/store/items`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ namespace: ["memories", "pia"], key: "k", value: { text: "I live by the sea." } }),
    });
    expect(raw.status).toBe(204);
    const location = raw.headers.get("content-location")!;
    expect(location).toMatch(/^\/store\/items\?namespace=memories\.pia&key=/);
    const created = await api(server.url, "GET", location);
    expect(created.body.value.text).toBe("I live by the sea.");

    const recategorised = await api(server.url, "PUT", "/store/items", {
      namespace: ["memories", "pia"],
      key: cello.key,
      value: { text: "x", category: "plan" },
    });
    expect(recategorised.status).toBe(400);
    expect(recategorised.body.message).toMatch(/category cannot be changed/);
    const empty = await api(server.url, "PUT", "/store/items", {
      namespace: ["memories", "pia"],
      key: "k",
      value: { category: "plan" },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/value\.text/);
  });

  it("deletes through the engine; deleting what is not there succeeds, as in the built-in store", async () => {
    await client.store.putItem(["memories", "quinn"], "k", { text: "I fear spiders." });
    const [spiders] = (await client.store.searchItems(["memories", "quinn"])).items;
    await client.store.deleteItem(["memories", "quinn"], spiders.key);
    expect(await client.store.getItem(["memories", "quinn"], spiders.key)).toBeNull();
    await expect(client.store.deleteItem(["memories", "quinn"], spiders.key)).resolves.toBeUndefined();
    const history = await api(server.url, "GET", `/memories/${spiders.key}/history?userId=quinn`);
    expect(history.body.history.map((h: { operation: string }) => h.operation)).toEqual(["ADD", "DELETE"]);
  });

  it("never reaches another user's memory through a key, and never searches across users", async () => {
    await client.store.putItem(["memories", "rosa"], "k", { text: "My PIN is secret." });
    const [secret] = (await client.store.searchItems(["memories", "rosa"])).items;
    expect(await client.store.getItem(["memories", "mallory"], secret.key)).toBeNull();
    await client.store.deleteItem(["memories", "mallory"], secret.key);
    await client.store.putItem(["memories", "mallory"], secret.key, { text: "My PIN is 0000." });
    expect((await client.store.getItem(["memories", "rosa"], secret.key))?.value.text).toBe("My PIN is secret.");
    expect(
      (await client.store.searchItems(["memories", "mallory"], { query: "PIN" })).items.map((i) => i.value.text),
    ).toEqual(["My PIN is 0000."]);

    const everyone = await api(server.url, "POST", "/store/items/search", { namespace_prefix: ["memories"] });
    expect(everyone.status).toBe(400);
    expect(everyone.body.message).toMatch(/Name the user/);
    expect((await client.store.searchItems([])).items).toEqual([]);
    // Open mode (no auth, localhost): Studio's memory view lists every user's namespace, in order.
    const listed = (await client.store.listNamespaces()).namespaces;
    expect(listed).toContainEqual(["memories", "rosa"]);
    expect(listed).toContainEqual(["memories", "mallory"]);
    expect(listed.map((n) => n[1])).toEqual(listed.map((n) => n[1]).sort());
    expect((await client.store.listNamespaces({ maxDepth: 1 })).namespaces).toEqual([["memories"]]);
  });

  it("answers other namespaces with 404 or nothing, saying what is served", async () => {
    await expect(client.store.getItem(["notes", "x"], "k")).rejects.toThrow(/404/);
    const put = await api(server.url, "PUT", "/store/items", { namespace: ["notes"], key: "k", value: { a: 1 } });
    expect(put.status).toBe(404);
    expect(put.body.message).toMatch(/long-term memory only, as \["memories", "<userId>"\]/);
    expect((await client.store.searchItems(["notes"])).items).toEqual([]);
    expect((await client.store.listNamespaces({ prefix: ["notes"] })).namespaces).toEqual([]);
    const badLabel = await api(server.url, "PUT", "/store/items", {
      namespace: ["memories", "a.b"],
      key: "k",
      value: { text: "x" },
    });
    expect(badLabel.status).toBe(422);
  });
});
