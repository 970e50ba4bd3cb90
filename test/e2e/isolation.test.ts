/**
 * Tenant isolation under attack, over real HTTP against a real `langgraph dev` process with token
 * auth on (AUTH_TOKENS): every user tells the graph a secret, then every user attacks every other
 * user on every route (forged context ids, forged filters and metadata, forged auth fields in the
 * run config, other users' thread ids and memory ids, the store API, the inspector page and the
 * route options it uses, unauthenticated and wrong tokens). A leak is a response that carries another user's secret; a
 * cross-user write is any
 * change to another user's threads or memories. Both must be zero; the figures are recorded.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFigure } from "../faults/figures.js";
import { INSPECTOR_PATHS } from "../../src/server/ui-routes.js";
import { startDevServer, type DevServer } from "./dev-server.js";

const USERS = 8;

interface User {
  id: string;
  token: string;
  secret: string;
  threadId: string;
  memoryIds: string[];
  /** The memory update jobs of the user's turns (the served graph queues every update). */
  jobIds: string[];
}

interface Attempt {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  /**
   * Whose credentials are sent: the attacker's (default),
   * none, a made-up token, or the attacker's as the SDKs' x-api-key.
   */
  as?: "attacker" | "nobody" | "bad-token" | "api-key";
  /** Statuses that show the attempt was refused; anything else is checked for leaks only. */
  refused?: number[];
}

let server: DevServer;
const users: User[] = Array.from({ length: USERS }, (_, i) => ({
  id: `user-${i}`,
  token: randomBytes(16).toString("hex"),
  secret: `SECRET${randomBytes(6).toString("hex").toUpperCase()}`,
  threadId: "",
  memoryIds: [],
  jobIds: [],
}));

async function call(
  user: User | undefined,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  apiKey = false,
) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const bearer = token ?? user?.token;
  if (bearer && apiKey) headers["x-api-key"] = bearer;
  else if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json };
}

const turn = (content: string) => ({ assistant_id: "memory_chat", input: { messages: [{ role: "user", content }] } });

/** Everything of a user's that an attack could change: thread messages, checkpoints, memories. */
async function snapshot(user: User) {
  const state = await call(user, "GET", `/threads/${user.threadId}/state`);
  const history = await call(user, "POST", `/threads/${user.threadId}/history`, { limit: 100 });
  const memories = await call(user, "GET", `/memories?includeHistory=true`);
  const jobs = await call(user, "GET", `/queue/jobs`);
  // A thread deleted or hidden by an attack shows as a status, so it counts as a change.
  return JSON.stringify({
    status: [state.status, history.status, memories.status],
    messages: state.status === 200 ? (state.json.values.messages as any[]).map((m) => [m.type, m.content]) : null,
    checkpoints: history.status === 200 ? (history.json as any[]).length : null,
    memories:
      memories.status === 200 ? (memories.json.memories as any[]).map((m) => [m.id, m.text, m.validTo]).sort() : null,
    // A job of the victim's retried or dropped by someone else counts as a change.
    jobs:
      jobs.status === 200
        ? (jobs.json.jobs as any[]).filter((j) => user.jobIds.includes(j.id)).map((j) => [j.id, j.state, j.attempts])
        : jobs.status,
  });
}

function attemptsOn(attacker: User, victim: User): Attempt[] {
  const t = victim.threadId;
  const m = victim.memoryIds[0];
  const j = victim.jobIds[0];
  const v = encodeURIComponent(victim.id);
  const q = "What is my secret code?";
  return [
    // Threads, runs and checkpoints of another user.
    { name: "read thread", method: "GET", path: `/threads/${t}`, refused: [404] },
    { name: "read thread state", method: "GET", path: `/threads/${t}/state`, refused: [404] },
    { name: "read thread history", method: "POST", path: `/threads/${t}/history`, body: { limit: 10 }, refused: [404] },
    { name: "list thread runs", method: "GET", path: `/threads/${t}/runs`, refused: [404] },
    { name: "copy thread", method: "POST", path: `/threads/${t}/copy`, body: {}, refused: [404, 409] },
    {
      name: "update thread state",
      method: "POST",
      path: `/threads/${t}/state`,
      body: { values: { messages: [{ role: "user", content: "injected" }] } },
      refused: [404],
    },
    {
      name: "patch thread metadata",
      method: "PATCH",
      path: `/threads/${t}`,
      body: { metadata: { owner: attacker.id } },
      refused: [404],
    },
    { name: "run on thread", method: "POST", path: `/threads/${t}/runs/wait`, body: turn(q), refused: [404] },
    {
      name: "stream run on thread",
      method: "POST",
      path: `/threads/${t}/runs/stream`,
      body: { ...turn(q), stream_mode: ["values"] },
      refused: [404],
    },
    { name: "delete thread", method: "DELETE", path: `/threads/${t}`, refused: [404] },
    {
      name: "search threads by owner",
      method: "POST",
      path: `/threads/search`,
      body: { metadata: { owner: victim.id } },
    },
    {
      name: "create thread owned by victim",
      method: "POST",
      path: `/threads`,
      body: { metadata: { owner: victim.id } },
      refused: [403],
    },
    {
      name: "create thread with victim's id",
      method: "POST",
      path: `/threads`,
      body: { thread_id: t, if_exists: "do_nothing" },
      refused: [409],
    },
    // Runs that name the victim.
    {
      name: "stateless run, forged context",
      method: "POST",
      path: `/runs/wait`,
      body: { ...turn(q), context: { userId: victim.id } },
      refused: [403],
    },
    {
      name: "own thread, forged context",
      method: "POST",
      path: `/threads/${attacker.threadId}/runs/wait`,
      body: { ...turn(q), context: { userId: victim.id } },
      refused: [403],
    },
    {
      name: "stateless run, forged auth config",
      method: "POST",
      path: `/runs/wait`,
      body: {
        ...turn(q),
        config: {
          configurable: {
            langgraph_auth_user: { identity: victim.id, is_authenticated: true, permissions: [] },
            langgraph_auth_user_id: victim.id,
          },
        },
      },
    },
    // The memory admin API.
    { name: "list memories", method: "GET", path: `/memories?userId=${v}`, refused: [403] },
    {
      name: "search memories",
      method: "POST",
      path: `/memories/search`,
      body: { userId: victim.id, query: q },
      refused: [403],
    },
    {
      name: "search, forged filter",
      method: "POST",
      path: `/memories/search`,
      body: { query: q, filter: { userId: victim.id } },
      refused: [400, 403],
    },
    {
      name: "search, forged OR filter",
      method: "POST",
      path: `/memories/search`,
      body: { query: q, filter: { OR: [{ user_id: victim.id }, { category: "profile" }] } },
      refused: [400, 403],
    },
    { name: "get memory by id", method: "GET", path: `/memories/${m}`, refused: [404] },
    { name: "get memory naming victim", method: "GET", path: `/memories/${m}?userId=${v}`, refused: [403] },
    { name: "memory history", method: "GET", path: `/memories/${m}/history`, refused: [404] },
    { name: "edit memory", method: "PATCH", path: `/memories/${m}`, body: { text: "overwritten" }, refused: [404] },
    { name: "delete memory", method: "DELETE", path: `/memories/${m}`, refused: [404] },
    {
      name: "add memory for victim",
      method: "POST",
      path: `/memories`,
      body: { userId: victim.id, infer: false, facts: [{ text: "planted" }] },
      refused: [403],
    },
    {
      name: "add memory, forged metadata",
      method: "POST",
      path: `/memories`,
      body: { infer: false, facts: [{ text: "planted", metadata: { userId: victim.id } }] },
      refused: [400, 403],
    },
    { name: "forget victim", method: "DELETE", path: `/users/${v}/memories`, refused: [403] },
    { name: "export victim", method: "GET", path: `/users/${v}/export`, refused: [403] },
    {
      name: "import into victim",
      method: "POST",
      path: `/users/${v}/import`,
      body: { memories: [{ text: "planted" }] },
      refused: [400, 403],
    },
    // The user model's profile (its question topics hold the secret of the victim's first turn).
    { name: "profile of victim", method: "GET", path: `/profile?userId=${v}`, refused: [403] },
    { name: "own profile", method: "GET", path: `/profile` },
    // The memory map.
    { name: "entities of victim", method: "GET", path: `/entities?userId=${v}`, refused: [403] },
    { name: "own entities", method: "GET", path: `/entities` },
    { name: "map of victim", method: "GET", path: `/entities/map?userId=${v}&format=svg`, refused: [403] },
    { name: "own map", method: "GET", path: `/entities/map?format=dot` },
    { name: "victim's entity by name", method: "GET", path: `/entities/${victim.secret}`, refused: [404] },
    {
      name: "victim's entity, naming victim",
      method: "GET",
      path: `/entities/${victim.secret}?userId=${v}`,
      refused: [403],
    },
    // The store API (Studio's memory view, the SDK's client.store).
    { name: "store get", method: "GET", path: `/store/items?namespace=memories.${v}&key=${m}`, refused: [403] },
    {
      name: "store get, own namespace",
      method: "GET",
      path: `/store/items?namespace=memories.${encodeURIComponent(attacker.id)}&key=${m}`,
    },
    {
      name: "store put",
      method: "PUT",
      path: `/store/items`,
      body: { namespace: ["memories", victim.id], key: m, value: { text: "overwritten" } },
      refused: [403],
    },
    {
      name: "store delete",
      method: "DELETE",
      path: `/store/items`,
      body: { namespace: ["memories", victim.id], key: m },
      refused: [403],
    },
    {
      name: "store search",
      method: "POST",
      path: `/store/items/search`,
      body: { namespace_prefix: ["memories", victim.id], query: q },
      refused: [403],
    },
    {
      name: "store search, forged filter",
      method: "POST",
      path: `/store/items/search`,
      body: { namespace_prefix: ["memories"], filter: { userId: victim.id } },
      refused: [400, 403],
    },
    { name: "store namespaces", method: "POST", path: `/store/namespaces`, body: { prefix: ["memories"] } },
    // The memory update queue.
    { name: "list victim's jobs", method: "GET", path: `/queue/jobs?userId=${v}`, refused: [403] },
    { name: "get victim's job", method: "GET", path: `/queue/jobs/${j}`, refused: [404] },
    { name: "retry victim's job", method: "POST", path: `/queue/jobs/${j}/retry`, body: {}, refused: [404, 409] },
    {
      name: "retry victim's jobs",
      method: "POST",
      path: `/queue/jobs/retry`,
      body: { userId: victim.id },
      refused: [403],
    },
    { name: "drop victim's job", method: "DELETE", path: `/queue/jobs/${j}`, refused: [404] },
    // The same with the attacker's token sent as the SDKs' api_key (x-api-key).
    { name: "x-api-key: read thread state", as: "api-key", method: "GET", path: `/threads/${t}/state`, refused: [404] },
    {
      name: "x-api-key: run on thread",
      as: "api-key",
      method: "POST",
      path: `/threads/${t}/runs/wait`,
      body: turn(q),
      refused: [404],
    },
    {
      name: "x-api-key: forged context",
      as: "api-key",
      method: "POST",
      path: `/runs/wait`,
      body: { ...turn(q), context: { userId: victim.id } },
      refused: [403],
    },
    { name: "x-api-key: list memories", as: "api-key", method: "GET", path: `/memories?userId=${v}`, refused: [403] },
    { name: "x-api-key: get memory by id", as: "api-key", method: "GET", path: `/memories/${m}`, refused: [404] },
    { name: "x-api-key: delete memory", as: "api-key", method: "DELETE", path: `/memories/${m}`, refused: [404] },
    { name: "x-api-key: export victim", as: "api-key", method: "GET", path: `/users/${v}/export`, refused: [403] },
    { name: "x-api-key: get victim's job", as: "api-key", method: "GET", path: `/queue/jobs/${j}`, refused: [404] },
    { name: "x-api-key, made up", as: "api-key", method: "GET", path: `/memories`, refused: [401] },
    // The memory inspector: its page and script carry no data (a secret in them is a leak); the
    // options it adds to the routes (list filters, asOf, search explain) keep their tenant rules.
    { name: "inspector page", method: "GET", path: `/ui` },
    { name: "inspector page, no token", as: "nobody", method: "GET", path: `/ui` },
    ...INSPECTOR_PATHS.map((path): Attempt => ({
      name: `inspector file ${path}, no token`,
      as: "nobody",
      method: "GET",
      path,
    })),
    { name: "inspector page, naming victim", as: "nobody", method: "GET", path: `/ui?userId=${v}` },
    {
      name: "list victim's memories as of, by text",
      method: "GET",
      path: `/memories?userId=${v}&state=all&text=${victim.secret}`,
      refused: [403],
    },
    { name: "list own memories by victim's secret", method: "GET", path: `/memories?state=all&text=${victim.secret}` },
    { name: "list own memories as of", method: "GET", path: `/memories?asOf=2100-01-01T00:00:00Z` },
    { name: "list own superseded memories", method: "GET", path: `/memories?state=superseded&category=profile` },
    {
      name: "search explained",
      method: "POST",
      path: `/memories/search`,
      body: { query: victim.secret, explain: true },
    },
    {
      name: "search explained, naming victim",
      method: "POST",
      path: `/memories/search`,
      body: { userId: victim.id, query: q, explain: true, asOf: "2100-01-01T00:00:00Z" },
      refused: [403],
    },
    // No credentials, or made-up ones.
    { name: "no token", as: "nobody", method: "GET", path: `/memories?userId=${v}`, refused: [401] },
    { name: "bad token", as: "bad-token", method: "GET", path: `/threads/${t}/state`, refused: [401] },
  ];
}

describe("tenant isolation over HTTP with token auth", () => {
  beforeAll(async () => {
    // Inline updates through the queue: the /queue/jobs routes have each user's jobs to attack.
    server = await startDevServer("test/e2e/langgraph.json", {
      AUTH_TOKENS: users.map((u) => `${u.id}:${u.token}`).join(","),
      MEMORY_UPDATE_MODE: "inline",
    });
    for (const user of users) {
      const thread = await call(user, "POST", "/threads", {});
      expect(thread.status).toBe(200);
      expect(thread.json.metadata.owner).toBe(user.id);
      user.threadId = thread.json.thread_id;
      // No userId in the context: the server fills it in from the token.
      const run = await call(
        user,
        "POST",
        `/threads/${user.threadId}/runs/wait`,
        turn(`My secret code is ${user.secret}.`),
      );
      expect(run.status, run.text).toBe(200);
      expect(run.json.memoryJobId).toBeTruthy();
      user.jobIds = [run.json.memoryJobId];
      const memories = await call(user, "GET", "/memories");
      expect(memories.json.userId).toBe(user.id);
      user.memoryIds = memories.json.memories.map((m: any) => m.id);
      expect(memories.json.memories.map((m: any) => m.text).join(" ")).toContain(user.secret);
    }
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("a user reaches their own memory through the graph", async () => {
    const [alice] = users;
    const run = await call(alice, "POST", `/threads/${alice.threadId}/runs/wait`, turn("What is my secret code?"));
    expect(run.status).toBe(200);
    expect(JSON.stringify(run.json.messages.at(-1).content)).toContain(alice.secret);
  });

  it("the SDKs' api_key (x-api-key header) signs a user in as the bearer token does", async () => {
    const [alice, bob] = users;
    const own = await fetch(`${server.url}/memories`, { headers: { "x-api-key": alice.token } });
    expect(own.status).toBe(200);
    expect(JSON.stringify(await own.json())).toContain(alice.secret);
    const other = await fetch(`${server.url}/threads/${bob.threadId}/state`, { headers: { "x-api-key": alice.token } });
    expect(other.status).toBe(404);
  });

  it("every user attacking every other user on every route: no leak, no cross-user write", async () => {
    const before = new Map<string, string>();
    for (const u of users) before.set(u.id, await snapshot(u));
    expect(JSON.parse(before.get(users[0].id)!).status).toEqual([200, 200, 200]);
    let attempts = 0;
    let leaks = 0;
    let notRefused = 0;
    const failures: string[] = [];
    await Promise.all(
      users.map(async (attacker) => {
        for (const victim of users) {
          if (victim === attacker) continue;
          for (const a of attemptsOn(attacker, victim)) {
            const madeUp = a.as === "bad-token" || (a.as === "api-key" && a.refused?.includes(401));
            const token = a.as === "nobody" ? "" : madeUp ? randomBytes(16).toString("hex") : undefined;
            const res = await call(
              a.as === "nobody" ? undefined : attacker,
              a.method,
              a.path,
              a.body,
              token,
              a.as === "api-key",
            );
            attempts++;
            if (res.text.includes(victim.secret)) {
              leaks++;
              failures.push(`LEAK ${attacker.id} → ${victim.id}: ${a.name} (${res.status})`);
            }
            if (a.refused && !a.refused.includes(res.status)) {
              notRefused++;
              failures.push(`not refused: ${a.name} → ${res.status} ${res.text.slice(0, 200)}`);
            }
          }
        }
      }),
    );
    let changed = 0;
    for (const u of users) {
      const after = await snapshot(u);
      // Attacks that run turns ask questions with no facts in them: nobody's data may change.
      if (after !== before.get(u.id)) {
        changed++;
        failures.push(`${u.id}'s threads or memories changed under attack`);
      }
    }
    recordFigure({ group: "isolation", name: "users", value: USERS });
    recordFigure({ group: "isolation", name: "cross-user attempts", value: attempts });
    recordFigure({ group: "isolation", name: "cross-user reads (leaks)", value: leaks, goal: 0 });
    recordFigure({ group: "isolation", name: "users whose data changed (cross-user writes)", value: changed, goal: 0 });
    recordFigure({ group: "isolation", name: "attempts not refused as expected", value: notRefused, goal: 0 });
    expect(failures.slice(0, 20)).toEqual([]);
    expect(attempts).toBe(USERS * (USERS - 1) * attemptsOn(users[0], users[1]).length);
  }, 600_000);

  it("a forged auth field in the run config is overridden by the signed-in identity", async () => {
    const [alice, bob] = users;
    const res = await call(alice, "POST", "/runs/wait", {
      ...turn("What is my secret code?"),
      config: { configurable: { langgraph_auth_user: { identity: bob.id, is_authenticated: true, permissions: [] } } },
    });
    expect(res.status).toBe(200);
    const answer = JSON.stringify(res.json.messages.at(-1).content);
    expect(answer).toContain(alice.secret);
    expect(answer).not.toContain(bob.secret);
  });

  it("a run carries its user id in the metadata the server passes to traces", async () => {
    const [alice] = users;
    const runs = await call(alice, "GET", `/threads/${alice.threadId}/runs`);
    expect(runs.status).toBe(200);
    expect(runs.json.length).toBeGreaterThan(0);
    for (const run of runs.json) expect(run.metadata).toMatchObject({ user_id: alice.id, owner: alice.id });
  });

  it("an assistant whose saved context or config names another user still runs as the caller", async () => {
    const [alice, bob] = users;
    const made = await call(alice, "POST", "/assistants", {
      graph_id: "memory_chat",
      context: { userId: bob.id },
      config: { configurable: { langgraph_auth_user: { identity: bob.id, is_authenticated: true, permissions: [] } } },
    });
    expect(made.status, made.text).toBe(200);
    expect(made.json.metadata.owner).toBe(alice.id);
    const run = await call(alice, "POST", "/runs/wait", {
      ...turn("What is my secret code?"),
      assistant_id: made.json.assistant_id,
    });
    expect(run.status, run.text).toBe(200);
    expect(run.text).toContain(alice.secret);
    expect(run.text).not.toContain(bob.secret);
    // Bob can neither change nor delete Alice's assistant.
    expect(
      (await call(bob, "PATCH", `/assistants/${made.json.assistant_id}`, { context: { userId: bob.id } })).status,
    ).toBe(404);
    expect((await call(bob, "DELETE", `/assistants/${made.json.assistant_id}`)).status).toBe(404);
  });

  it("the store's namespace list shows a signed-in user only their own", async () => {
    for (const u of users.slice(0, 3)) {
      for (const prefix of [[], ["memories"]]) {
        const res = await call(u, "POST", "/store/namespaces", { prefix });
        expect(res.json).toEqual({ namespaces: [["memories", u.id]] });
      }
    }
  });

  it("thread search lists only the caller's threads", async () => {
    for (const u of users.slice(0, 3)) {
      const res = await call(u, "POST", "/threads/search", { limit: 100 });
      expect(res.status).toBe(200);
      const owners = new Set((res.json as any[]).map((t) => t.metadata.owner));
      expect([...owners]).toEqual([u.id]);
    }
  });
});
