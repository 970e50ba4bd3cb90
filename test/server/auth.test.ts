import { describe, expect, it } from "vitest";
import { createAuth, OWNER_KEY } from "../../src/auth/langgraph-auth.js";
import { AuthConfigError, bearerToken, parseTokens } from "../../src/auth/tokens.js";
import { authenticatedUser, resolveRunSettings } from "../../src/graph/run-settings.js";
import { graphDefaults } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";

const ALICE = "alice-token-0123456789";
const BOB = "bob-token-0123456789ab";
const table = parseTokens(`alice:${ALICE}, bob:${BOB}`);

/** The handlers LangGraph calls, taken from the Auth object as the server does. */
const handlers = (tokens = table) => (createAuth(tokens) as any)["~handlerCache"];
const user = (identity: string, is_authenticated = true) => ({
  identity,
  is_authenticated,
  display_name: identity,
  permissions: [],
});
const on = (h: any, event: string, value: any, u = user("alice")) => {
  const [resource, action] = event.split(":");
  const cb = h.callbacks[event] ?? h.callbacks[resource];
  return cb({ event, resource, action, value, user: u, permissions: [] });
};

describe("AUTH_TOKENS", () => {
  it("maps each token to its user and nothing else", () => {
    expect(table.userFor(ALICE)).toBe("alice");
    expect(table.userFor(BOB)).toBe("bob");
    expect(table.userFor(ALICE + "x")).toBeUndefined();
    expect(table.userFor("")).toBeUndefined();
    expect(table.users).toEqual(["alice", "bob"]);
  });

  it("refuses short, shared and malformed tokens with a message that says what to fix", () => {
    expect(() => parseTokens("alice:short")).toThrow(/at least 16/);
    expect(() => parseTokens(`alice:${ALICE},bob:${ALICE}`)).toThrow(/share one token/);
    expect(() => parseTokens("alice")).toThrow(AuthConfigError);
    expect(() => parseTokens(",")).toThrow(/no "user:token" pair/);
    expect(() => parseTokens(`${"x".repeat(300)}:${ALICE}`)).toThrow(/characters long/);
  });

  it("reads bearer tokens only", () => {
    expect(bearerToken(`Bearer ${ALICE}`)).toBe(ALICE);
    expect(bearerToken(`bearer ${ALICE} `)).toBe(ALICE);
    expect(bearerToken(`Basic ${ALICE}`)).toBeUndefined();
    expect(bearerToken(null)).toBeUndefined();
  });
});

describe("LangGraph auth handler", () => {
  const request = (url: string, token?: string) =>
    new Request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("token mode: the token's user is the identity; a missing or unknown token is 401", async () => {
    const h = handlers();
    expect(await h.authenticate(request("http://127.0.0.1:2024/threads", BOB))).toMatchObject({
      identity: "bob",
      is_authenticated: true,
    });
    await expect(h.authenticate(request("http://127.0.0.1:2024/threads"))).rejects.toMatchObject({ status: 401 });
    await expect(h.authenticate(request("http://127.0.0.1:2024/threads", "nope-nope-nope-nope"))).rejects.toMatchObject(
      { status: 401 },
    );
  });

  it("token mode: the SDKs' api_key header (x-api-key) is the same token; a wrong one is 401", async () => {
    const h = handlers();
    const keyed = (key: string) => new Request("http://127.0.0.1:2024/threads", { headers: { "x-api-key": key } });
    expect(await h.authenticate(keyed(ALICE))).toMatchObject({ identity: "alice", is_authenticated: true });
    await expect(h.authenticate(keyed("nope-nope-nope-nope"))).rejects.toMatchObject({ status: 401 });
    await expect(h.authenticate(keyed(" "))).rejects.toMatchObject({ status: 401 });
  });

  it("open mode: anonymous on localhost, refused for any other host", async () => {
    const h = (createAuth(undefined) as any)["~handlerCache"];
    for (const host of ["localhost:2024", "127.0.0.1:2024", "[::1]:2024"]) {
      expect(await h.authenticate(request(`http://${host}/threads`))).toMatchObject({ is_authenticated: false });
    }
    await expect(h.authenticate(request("http://attacker.example/threads"))).rejects.toMatchObject({ status: 403 });
  });

  it("stamps the owner on new threads and refuses a forged owner", () => {
    const h = handlers();
    const value = { thread_id: "t", metadata: { topic: "x" } };
    expect(on(h, "threads:create", value)).toEqual({ [OWNER_KEY]: "alice" });
    expect(value.metadata).toEqual({ topic: "x", [OWNER_KEY]: "alice" });
    expect(() => on(h, "threads:create", { metadata: { [OWNER_KEY]: "bob" } })).toThrow(/cannot name another user/);
  });

  it("fills the run's user id from the identity and refuses another one", () => {
    const h = handlers();
    const value: any = { metadata: {}, kwargs: { context: { memoryTopK: 3 } } };
    expect(on(h, "threads:create_run", value)).toEqual({ [OWNER_KEY]: "alice" });
    expect(value.kwargs.context).toEqual({ memoryTopK: 3, userId: "alice" });
    expect(value.metadata).toEqual({ [OWNER_KEY]: "alice", user_id: "alice" });
    expect(() => on(h, "threads:create_run", { metadata: {}, kwargs: { context: { userId: "bob" } } })).toThrow(
      /another user/,
    );
  });

  it("filters thread reads to the owner; leaves anonymous callers (open mode) unfiltered", () => {
    const h = handlers();
    expect(on(h, "threads:read", { thread_id: "t" })).toEqual({ [OWNER_KEY]: "alice" });
    expect(on(h, "threads:search", {})).toEqual({ [OWNER_KEY]: "alice" });
    expect(on(h, "threads:read", { thread_id: "t" }, user("anonymous", false))).toBeUndefined();
    expect(on(h, "crons:create", {})).toBe(false);
  });

  it("open mode: the run's metadata carries the user the context names (trace metadata)", () => {
    const h = handlers();
    const value: any = { metadata: {}, kwargs: { context: { userId: "carol" } } };
    expect(on(h, "threads:create_run", value, user("anonymous", false))).toBeUndefined();
    expect(value.metadata).toEqual({ user_id: "carol" });
    expect(value.kwargs.context).toEqual({ userId: "carol" });
  });
});

describe("the graph's user id under auth", () => {
  const defaults = graphDefaults(loadSettings({}));
  const config = (context: object, authUser?: object) => ({
    context,
    configurable: authUser ? { langgraph_auth_user: authUser } : {},
  });

  it("takes the signed-in user, with or without a matching context id", () => {
    expect(resolveRunSettings(config({}, user("alice")), defaults).userId).toBe("alice");
    expect(resolveRunSettings(config({ userId: "alice" }, user("alice")), defaults).userId).toBe("alice");
  });

  it("refuses a context id that names another user", () => {
    expect(() => resolveRunSettings(config({ userId: "bob" }, user("alice")), defaults)).toThrow(/another user/);
  });

  it("ignores an identity that is not authenticated (open mode) and uses the context", () => {
    expect(authenticatedUser(config({}, user("anonymous", false)))).toBeUndefined();
    expect(resolveRunSettings(config({ userId: "carol" }, user("anonymous", false)), defaults).userId).toBe("carol");
  });
});
