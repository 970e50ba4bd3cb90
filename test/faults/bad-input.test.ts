/**
 * Bad input, tried in bulk: every message and user id a careless or hostile caller could send to
 * the graph, and every malformed body the memory routes could get. Each must end in a clear error
 * (TurnInputError for a turn; 4xx JSON with a message over HTTP), never a crash or a 5xx, and must
 * store nothing. The counts go to the fault figures.
 */
import { HumanMessage } from "@langchain/core/messages";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { TurnInputError } from "../../src/graph/errors.js";
import { createApp } from "../../src/server/create-app.js";
import { silentLogger } from "../../src/logger.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { compileTestGraph, makeTestDeps } from "../graph/graph-harness.js";
import { recordFigure } from "./figures.js";

const dir = mkdtempSync(join(tmpdir(), "memory-chat-bad-input-"));
const store = new SqliteMemoryStore(join(dir, "memory.db"));
const { deps, engine } = makeTestDeps({ store });
const graph = compileTestGraph(deps);
await store.init(16);
const app = createApp({ memory: async () => engine, logger: silentLogger, maxTextChars: 8000 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LONG = 8001;
const badMessages: [string, string][] = [
  ["empty", ""],
  ["spaces", "   \n\t "],
  ["oversized", "x".repeat(LONG)],
  ["oversized Chinese", "记".repeat(LONG)],
  ["bell", "hi\u0007"],
  ["NUL", "a\u0000b"],
  ["escape sequence", "\u001b[2J clear the screen"],
  ["DEL", "x\u007f"],
  ["lone high surrogate", "bad \ud800 text"],
  ["lone low surrogate", "\udfff"],
  ["reversed surrogate pair", "\udc00\ud800"],
];
const badUserIds: [string, unknown][] = [
  ["missing", undefined],
  ["empty", ""],
  ["blank", "   "],
  ["absurdly long", "u".repeat(10_000)],
  ["control characters", "alice\u0000"],
  ["lone surrogate", "al\ud800ice"],
  ["number", 42],
  ["object", { $ne: null }],
  ["array", ["alice", "bob"]],
];

describe("bad input never crashes and stores nothing", () => {
  it("graph turns: every bad message and user id is refused with a clear error", async () => {
    let tried = 0;
    let crashes = 0;
    const problems: string[] = [];
    const attempt = async (label: string, content: string, userId: unknown) => {
      tried++;
      try {
        await graph.invoke(
          { messages: [new HumanMessage(content)] },
          { configurable: { thread_id: `bad-${tried}` }, context: { userId } as never },
        );
        crashes++;
        problems.push(`${label}: accepted`);
      } catch (error) {
        // A wrongly typed context is refused by the graph's context schema, with its own message.
        const clear =
          error instanceof TurnInputError ||
          (error instanceof ZodError && /userId must be a string/.test(error.message));
        if (!clear) {
          crashes++;
          problems.push(`${label}: ${(error as Error).name}: ${(error as Error).message}`);
        }
      }
    };
    for (const [label, content] of badMessages) await attempt(`message ${label}`, content, "alice");
    for (const [label, userId] of badUserIds) await attempt(`user id ${label}`, "My name is Alice.", userId);
    const stored = await store.count("alice", { validity: { kind: "all" } });
    recordFigure({ group: "bad input", name: "graph turns with bad input tried", value: tried });
    recordFigure({ group: "bad input", name: "graph turns: crashes or accepted", value: crashes, goal: 0 });
    expect(problems).toEqual([]);
    expect(stored).toBe(0);
  });

  it("memory routes: malformed bodies and parameters get 4xx JSON with a message", async () => {
    const bodies: [string, string, string | undefined][] = [
      ["POST", "/memories/search", "{not json"],
      ["POST", "/memories/search", "null"],
      ["POST", "/memories/search", "[]"],
      ["POST", "/memories/search", '"a string"'],
      ["POST", "/memories/search", JSON.stringify({ userId: "alice", query: "" })],
      ["POST", "/memories/search", JSON.stringify({ userId: "alice", query: "x".repeat(LONG) })],
      ["POST", "/memories/search", JSON.stringify({ userId: "alice", query: "x", limit: -1 })],
      ["POST", "/memories/search", JSON.stringify({ userId: "alice", query: "x", limit: 1e12 })],
      ["POST", "/memories/search", JSON.stringify({ userId: "alice", query: "x", filter: nested(200) })],
      ["POST", "/memories/search", JSON.stringify({ userId: "alice", query: "x", filter: { $where: "1" } })],
      [
        "POST",
        "/memories/search",
        JSON.stringify({ userId: "alice", query: "x", filter: { category: { $in: "not-a-list" } } }),
      ],
      ["POST", "/memories/search", JSON.stringify({ userId: "alice", query: "\ud800" })],
      ["POST", "/memories", JSON.stringify({ userId: "alice", infer: false, facts: [{ text: "" }] })],
      ["POST", "/memories", JSON.stringify({ userId: "alice", infer: false, facts: [{ text: "x\u0000y" }] })],
      ["POST", "/memories", JSON.stringify({ userId: "alice", infer: false, facts: [{ text: "x".repeat(LONG) }] })],
      ["POST", "/memories", JSON.stringify({ userId: "alice", infer: false, facts: "not a list" })],
      [
        "POST",
        "/memories",
        JSON.stringify({ userId: "alice", infer: false, facts: [{ text: "ok", metadata: { userId: "bob" } }] }),
      ],
      ["PATCH", "/memories/does-not-exist", JSON.stringify({ userId: "alice", text: 42 })],
      ["GET", "/memories?userId=alice&limit=abc", undefined],
      ["GET", "/memories?userId=alice&offset=-5", undefined],
      ["GET", `/memories?userId=${"u".repeat(10_000)}`, undefined],
      ["GET", "/memories?userId=%00", undefined],
      ["POST", "/users/alice/import", JSON.stringify({ memories: "nope" })],
      ["POST", "/users/alice/import", JSON.stringify({ memories: [{ text: "" }] })],
      ["PUT", "/store/items", JSON.stringify({ namespace: ["memories", "alice"], key: "k", value: { text: 7 } })],
      ["PUT", "/store/items", JSON.stringify({ namespace: ["memories", ""], key: "k", value: { text: "x" } })],
      ["POST", "/store/items/search", JSON.stringify({ namespace_prefix: "memories" })],
    ];
    for (const [label, userId] of badUserIds) {
      if (userId === undefined) continue;
      bodies.push(["POST", "/memories/search", JSON.stringify({ userId, query: `user id ${label}` })]);
    }
    let crashes = 0;
    const problems: string[] = [];
    for (const [method, path, body] of bodies) {
      const res = await app.request(path, {
        method,
        body,
        headers: body === undefined ? {} : { "content-type": "application/json" },
      });
      const text = await res.text();
      let parsed: { error?: string; message?: string } = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        /* checked below */
      }
      if (res.status < 400 || res.status >= 500 || !parsed.error || !parsed.message) {
        crashes++;
        problems.push(`${method} ${path.slice(0, 60)} ${body?.slice(0, 60)} → ${res.status} ${text.slice(0, 120)}`);
      }
    }
    recordFigure({ group: "bad input", name: "memory route requests with bad input tried", value: bodies.length });
    recordFigure({ group: "bad input", name: "memory routes: 5xx, crashes or accepted", value: crashes, goal: 0 });
    expect(problems).toEqual([]);
    expect(await store.count("alice", { validity: { kind: "all" } })).toBe(0);
  });
});

/** {"NOT": {"NOT": ...}} nested `depth` deep. */
function nested(depth: number): unknown {
  let filter: unknown = { category: "profile" };
  for (let i = 0; i < depth; i++) filter = { NOT: filter };
  return filter;
}
