import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startDevServer, type DevServer } from "../e2e/dev-server.js";

/**
 * The memory admin API over real HTTP: the real `langgraph dev` process with test/e2e/langgraph.json,
 * whose http.app serves src/server on the fake graph's engine (scripted model, SQLite store).
 */
describe("memory admin API on the running dev server", () => {
  let server: DevServer;
  const call = <T = any>(method: string, path: string, body?: unknown) => api<T>(server.url, method, path, body);

  async function turn(userId: string, content: string) {
    const thread = await call("POST", "/threads", {});
    const run = await call("POST", `/threads/${thread.body.thread_id}/runs/wait`, {
      assistant_id: "memory_chat",
      input: { messages: [{ role: "user", content }] },
      context: { userId },
    });
    expect(run.status).toBe(200);
    return run.body;
  }
  const memoriesOf = async (userId: string) =>
    (await call("GET", `/memories?userId=${userId}`)).body.memories as { id: string; text: string }[];

  beforeAll(async () => {
    server = await startDevServer("test/e2e/langgraph.json");
  });
  afterAll(async () => server?.stop());

  it("lists what a chat turn stored, searches it, shows one memory and its history", async () => {
    await turn("alice", "I live in Lisbon. I keep bees.");
    const list = await call("GET", "/memories?userId=alice");
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.memories.map((m: { text: string }) => m.text).sort()).toEqual([
      "I keep bees.",
      "I live in Lisbon.",
    ]);
    expect(list.body.memories[0]).not.toHaveProperty("hash");
    expect(list.body.memories[0]).not.toHaveProperty("indexText");

    const search = await call("POST", "/memories/search", { userId: "alice", query: "bees", limit: 1 });
    expect(search.status).toBe(200);
    expect(search.body.results).toHaveLength(1);
    expect(search.body.results[0].memory.text).toBe("I keep bees.");
    expect(typeof search.body.results[0].score).toBe("number");

    const filtered = await call("POST", "/memories/search", {
      userId: "alice",
      query: "bees",
      filter: { category: "plan" },
    });
    expect(filtered.body.results).toEqual([]);

    const bees = list.body.memories.find((m: { text: string }) => m.text === "I keep bees.");
    const one = await call("GET", `/memories/${bees.id}?userId=alice`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: bees.id, userId: "alice", text: "I keep bees." });
    const history = await call("GET", `/memories/${bees.id}/history?userId=alice`);
    expect(history.body.history.map((h: { operation: string }) => h.operation)).toEqual(["ADD"]);
  });

  it("edits and deletes a memory, keeping its history", async () => {
    await turn("erin", "I drive a red car.");
    const [car] = await memoriesOf("erin");
    const edited = await call("PATCH", `/memories/${car.id}`, { userId: "erin", text: "I drive a blue car." });
    expect(edited.status).toBe(200);
    expect(edited.body.text).toBe("I drive a blue car.");
    expect((await memoriesOf("erin")).map((m) => m.text)).toEqual(["I drive a blue car."]);

    const deleted = await call("DELETE", `/memories/${car.id}?userId=erin`);
    expect(deleted).toEqual({ status: 200, body: { id: car.id, deleted: true } });
    expect(await memoriesOf("erin")).toEqual([]);
    expect((await call("GET", `/memories/${car.id}?userId=erin`)).status).toBe(404);
    const history = await call("GET", `/memories/${car.id}/history?userId=erin`);
    expect(history.status).toBe(200);
    expect(
      history.body.history.map((h: { operation: string; newText: string | null }) => [h.operation, h.newText]),
    ).toEqual([
      ["ADD", "I drive a red car."],
      ["UPDATE", "I drive a blue car."],
      ["DELETE", null],
    ]);
  });

  it("adds ready-made facts and a turn whose facts the model extracts", async () => {
    const facts = await call("POST", "/memories", {
      userId: "fay",
      infer: false,
      facts: [{ text: "I speak Welsh.", category: "skill" }],
    });
    expect(facts.status).toBe(201);
    expect(facts.body.changes).toMatchObject([{ operation: "ADD", text: "I speak Welsh.", category: "skill" }]);
    const inferred = await call("POST", "/memories", {
      userId: "fay",
      messages: [{ role: "user", content: "My dog is called Rex." }],
    });
    expect(inferred.status).toBe(201);
    expect(inferred.body.changes.map((c: { text: string }) => c.text)).toEqual(["My dog is called Rex."]);
    expect((await memoriesOf("fay")).map((m) => m.text).sort()).toEqual(["I speak Welsh.", "My dog is called Rex."]);
  });

  it("rejects bad input with 400 and a message that says what to fix", async () => {
    const cases: [string, string, unknown, string, RegExp][] = [
      ["GET", "/memories", undefined, "invalid_input", /userId is required/],
      ["GET", "/memories?userId=alice&limit=0", undefined, "invalid_input", /limit/],
      ["GET", "/memories?userId=alice&user_id=bob", undefined, "invalid_input", /user_id/],
      ["POST", "/memories/search", { userId: "alice" }, "invalid_input", /query/],
      [
        "POST",
        "/memories/search",
        { userId: "alice", query: "x", filter: { category: { $regex: "p" } } },
        "invalid_filter",
        /Unknown operator/,
      ],
      ["POST", "/memories/search", { userId: "alice", query: "x", asOf: "yesterday-ish" }, "invalid_input", /asOf/],
      ["PATCH", "/memories/some-id", { userId: "alice", text: "   " }, "invalid_input", /text/],
      ["POST", "/memories", { userId: "alice" }, "invalid_input", /messages.*facts/],
      ["POST", "/memories", { userId: "alice", facts: [{ text: "x" }] }, "invalid_input", /infer: false/],
      [
        "POST",
        "/memories",
        { userId: "a".repeat(300), infer: false, facts: [{ text: "x" }] },
        "invalid_input",
        /userId is 300 characters/,
      ],
    ];
    for (const [method, path, body, error, message] of cases) {
      const res = await call(method, path, body);
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 400, error });
      expect(res.body.message).toMatch(message);
    }
    const notJson = await fetch(`${server.url}/memories/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toBe("invalid_json");
  });

  it("refuses an oversized body with 413 before reading it", async () => {
    // The body is announced, not sent: the answer must come while the server has read almost none
    // of it. (Sending all 2 MB made the client's write fail with EPIPE once the server had answered.)
    const { status, body } = await new Promise<{ status: number; body: string }>((resolvePromise, reject) => {
      const req = request(`${server.url}/memories/search`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => {
          resolvePromise({ status: res.statusCode!, body: text });
          req.destroy();
        });
      });
      req.on("error", reject);
      req.write('{"userId":"alice","query":"');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: "payload_too_large" });
  });

  it("refuses a filter that names another user with 403", async () => {
    const res = await call("POST", "/memories/search", { userId: "alice", query: "bees", filter: { user_id: "bob" } });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("forbidden");
  });

  it("answers 404 for an unknown id and for another user's id, leaving the owner's memory untouched", async () => {
    await turn("gus", "I grow tomatoes.");
    const [tomatoes] = await memoriesOf("gus");
    const unknown = await call("GET", "/memories/00000000-0000-4000-8000-000000000000?userId=gus");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      error: "not_found",
      message: expect.stringContaining("00000000-0000-4000-8000-000000000000"),
    });
    const attempts = [
      call("GET", `/memories/${tomatoes.id}?userId=mallory`),
      call("GET", `/memories/${tomatoes.id}/history?userId=mallory`),
      call("PATCH", `/memories/${tomatoes.id}`, { userId: "mallory", text: "I grow weeds." }),
      call("DELETE", `/memories/${tomatoes.id}?userId=mallory`),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(404);
    const owner = await call("GET", `/memories/${tomatoes.id}?userId=gus`);
    expect(owner.body.text).toBe("I grow tomatoes.");
    const history = await call("GET", `/memories/${tomatoes.id}/history?userId=gus`);
    expect(history.body.history).toHaveLength(1);
  });

  it("exports a user, forgets them entirely, and imports the export back", async () => {
    await turn("hana", "I was born in Kyoto. I play the koto.");
    const [koto] = (await memoriesOf("hana")).filter((m) => m.text.includes("koto"));
    await call("PATCH", `/memories/${koto.id}`, { userId: "hana", text: "I play the koto and the shamisen." });
    const exported = await call("GET", "/users/hana/export");
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ userId: "hana", exportedAt: expect.any(String) });
    expect(exported.body.memories).toHaveLength(2);

    const forgot = await call("DELETE", "/users/hana/memories");
    expect(forgot.body).toEqual({
      userId: "hana",
      memories: 2,
      history: 3,
      queuedUpdates: 0,
      entities: 1,
      relations: 0,
      profiles: 1,
      questions: 1,
    });
    expect(await memoriesOf("hana")).toEqual([]);
    expect((await call("GET", `/memories/${koto.id}/history?userId=hana`)).status).toBe(404);

    const imported = await call("POST", "/users/hana/import", exported.body);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ userId: "hana", imported: 2, alreadyPresent: 0 });
    const restored = await memoriesOf("hana");
    expect(restored.map((m) => m.text).sort()).toEqual(["I play the koto and the shamisen.", "I was born in Kyoto."]);
    const newKoto = restored.find((m) => m.text.includes("koto"))!;
    expect(newKoto.id).toBe(imported.body.ids[koto.id]);
    const history = await call("GET", `/memories/${newKoto.id}/history?userId=hana`);
    expect(history.body.history.map((h: { operation: string }) => h.operation)).toEqual(["ADD", "UPDATE"]);

    const again = await call("POST", "/users/hana/import", exported.body);
    expect(again.body).toMatchObject({ imported: 0, alreadyPresent: 2 });

    const stolen = await call("POST", "/users/ivan/import", { ...exported.body, userId: "hana" });
    expect(stolen.body.imported).toBe(2);
    expect((await memoriesOf("ivan")).every((m) => (m as { userId?: string }).userId === "ivan")).toBe(true);
    expect(await memoriesOf("hana")).toHaveLength(2);

    const bad = await call("POST", "/users/hana/import", { memories: [{ id: "x" }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/memories\.0\.text/);
  });
});
