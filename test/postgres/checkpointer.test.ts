import pg from "pg";
/**
 * Conversations in PostgreSQL (DATABASE_URL → PostgresSaver, src/app/checkpointer.ts) on a real
 * server: a second turn of a thread sees the first, even through another process's saver; two
 * threads stay apart; an unreachable server is reported with what to do.
 */
import { HumanMessage } from "@langchain/core/messages";
import type { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCheckpointer } from "../../src/app/checkpointer.js";
import { loadSettings } from "../../src/config/settings.js";
import { buildGraph } from "../../src/graph/builder.js";
import { runContext } from "../../src/graph/context.js";
import { freeLoopbackPort } from "../../src/util/free-port.js";
import { makeTestDeps } from "../graph/graph-harness.js";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const turn = (content: string) => ({ messages: [new HumanMessage(content)] });
const run = (userId: string, thread: string) => ({
  configurable: { thread_id: thread },
  context: runContext({ userId }),
});
const settingsFor = (url: string) => {
  const dataDir = mkdtempSync(join(tmpdir(), "pg-checkpointer-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return loadSettings({ DATABASE_URL: url, DATA_DIR: dataDir });
};

describe.skipIf(!postgresAvailable("the PostgresSaver test"))(
  "conversations in PostgreSQL (PostgresSaver through DATABASE_URL)",
  () => {
    it("a second turn of a thread sees the first, through a saver of another process too; threads stay apart", async () => {
      const db = await freshDatabase();
      cleanups.push(db.drop);
      const settings = settingsFor(db.url);
      const open = async () => {
        const saver = (await createCheckpointer(settings)) as PostgresSaver;
        cleanups.push(() => saver.end());
        return saver;
      };
      const { deps } = makeTestDeps();
      const graph = buildGraph(deps).compile({ checkpointer: await open() });
      await graph.invoke(turn("My name is Ana and I grow tomatoes."), run("ana", "t1"));
      const second = await graph.invoke(turn("What do I grow?"), run("ana", "t1"));
      expect(second.recentMessages.map((m: { content: unknown }) => m.content)).toContain(
        "My name is Ana and I grow tomatoes.",
      );

      const other = await graph.invoke(turn("Hello."), run("ana", "t2"));
      expect(other.recentMessages).toEqual([]);
      expect(other.messages).toHaveLength(2);

      // A new saver (another app server) reads the same thread from the server.
      const elsewhere = buildGraph(deps).compile({ checkpointer: await open() });
      const state = await elsewhere.getState(run("ana", "t1"));
      expect(state.values.messages).toHaveLength(4);
      const third = await elsewhere.invoke(turn("And my name?"), run("ana", "t1"));
      expect(third.messages).toHaveLength(6);
      expect((await elsewhere.getState(run("ana", "t2"))).values.messages).toHaveLength(2);
    });

    it("survives the server ending its idle connections (a restart, a terminated session): the next turn works", async () => {
      const db = await freshDatabase();
      cleanups.push(db.drop);
      const saver = (await createCheckpointer(settingsFor(db.url))) as PostgresSaver;
      cleanups.push(() => saver.end());
      const graph = buildGraph(makeTestDeps().deps).compile({ checkpointer: saver });
      await graph.invoke(turn("I grow tomatoes."), run("ana", "t1"));
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        const ended = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        );
        expect(ended.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await new Promise((r) => setTimeout(r, 200));
      const next = await graph.invoke(turn("What do I grow?"), run("ana", "t1"));
      expect(next.messages).toHaveLength(4);
    });
  },
);

describe("DATABASE_URL pointing at no server", () => {
  it("says that PostgreSQL did not answer and what to do", async () => {
    const port = await freeLoopbackPort();
    await expect(createCheckpointer(settingsFor(`postgres://nobody@127.0.0.1:${port}/none`))).rejects.toThrow(
      new RegExp(
        `PostgreSQL at 127.0.0.1:${port}/none did not accept the connection .*: start it, or unset DATABASE_URL`,
      ),
    );
  });
});
