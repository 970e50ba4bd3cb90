import { describe, expect, it } from "vitest";
import { MemorySaver } from "@langchain/langgraph";
import { buildGraph } from "../../src/graph/builder.js";
import { ChatSession } from "../../src/cli/chat-session.js";
import { InMemoryThreadRegistry } from "../../src/cli/thread-registry.js";
import { makeTestDeps } from "../graph/graph-harness.js";
import { rememberingScript, type Script } from "../helpers/scripted-model.js";
import { messageText } from "../../src/models/structured.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/logger.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { MemoryEngine } from "../../src/memory/engine.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import { InMemoryEntityStore } from "../../src/stores/in-memory/entities.js";
import { InMemoryProfileStore } from "../../src/stores/in-memory/profiles.js";
import { DIMS } from "../graph/graph-harness.js";

function session(userId = "dana", options: { interactive?: boolean; script?: Script } = {}) {
  const { deps, engine } = makeTestDeps({ script: options.script });
  const checkpointer = new MemorySaver();
  let out = "";
  const s = new ChatSession({
    graph: buildGraph(deps).compile({ checkpointer }),
    threads: new InMemoryThreadRegistry(),
    memory: async () => engine,
    userId,
    maxMessageChars: 8000,
    write: (t) => (out += t),
    interactive: options.interactive,
  });
  return {
    s,
    engine,
    read: () => {
      const o = out;
      out = "";
      return o;
    },
  };
}

describe("terminal chat session", () => {
  it("shows the memory map, takes feedback on a memory and shows the profile", async () => {
    const { deps } = makeTestDeps();
    const engine = new MemoryEngine({
      store: new InMemoryMemoryStore(),
      entities: new InMemoryEntityStore(),
      profiles: new InMemoryProfileStore(),
      embeddings: new SyntheticEmbeddings({ vectorSize: DIMS }),
      dims: DIMS,
    });
    let out = "";
    const s = new ChatSession({
      graph: buildGraph(deps).compile({ checkpointer: new MemorySaver() }),
      threads: new InMemoryThreadRegistry(),
      memory: async () => engine,
      userId: "erin",
      maxMessageChars: 8000,
      write: (t) => (out += t),
    });
    const read = () => {
      const o = out;
      out = "";
      return o;
    };
    await engine.add("", {
      userId: "erin",
      infer: false,
      facts: [
        { text: "My sister Melanie lives in Lisbon." },
        { text: "Melanie adopted a dog named Rex." },
        { text: "我的表妹卡罗琳住在杭州市。" },
      ],
    });

    await s.handle("/entities");
    const entities = read();
    expect(entities).toMatch(/2\s+Melanie\s+\(person\)/);
    expect(entities).toMatch(/卡罗琳\s+\(person\)/);
    expect(entities).toMatch(/杭州市\s+\(place\)/);
    await s.handle("/entity melanie");
    const melanie = read();
    expect(melanie).toMatch(/^Melanie \(person\), 2 memories/);
    expect(melanie).toContain("My sister Melanie lives in Lisbon.");
    await s.handle("/entity Atlantis");
    expect(read()).toContain('no entity named "Atlantis"');

    const rex = (await engine.list({ userId: "erin" })).find((m) => m.text.includes("Rex"))!;
    await s.handle(`/feedback ${rex.id} wrong`);
    expect(read()).toContain("wrong:");
    await s.handle("/memories");
    expect(read()).not.toContain("Rex");
    await s.handle("/feedback");
    expect(read()).toContain("/feedback <memory id> up|down|wrong");

    await s.handle("/profile");
    expect(read()).toMatch(/profile of erin|no profile of erin yet/);
    await s.handle("/help");
    expect(read()).toMatch(/\/entities[\s\S]*\/entity <name>[\s\S]*\/feedback <id>|\/feedback <id>[\s\S]*\/entities/);
  });

  it("with background memory updates, prints the answer first, then what was remembered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-bg-"));
    try {
      const { deps, engine } = makeTestDeps();
      const worker = new MemoryWorker({
        memory: deps.memory,
        queue: new SqliteJobQueue(join(dir, "queue.db")),
        logger: silentLogger,
      });
      let out = "";
      const waits: string[] = [];
      const s = new ChatSession({
        graph: buildGraph({ ...deps, worker }).compile({ checkpointer: new MemorySaver() }),
        threads: new InMemoryThreadRegistry(),
        memory: async () => engine,
        userId: "bo",
        maxMessageChars: 8000,
        write: (t) => (out += t),
        worker,
        waiting: (label) => {
          waits.push(`${label}: start (answer ${out.includes("assistant> ") ? "shown" : "not shown"})`);
          return () => waits.push(`${label}: end`);
        },
      });
      await s.handle("I keep three cats.");
      expect(waits).toEqual(["remembering: start (answer shown)", "remembering: end"]);
      expect(out.indexOf("assistant> ")).toBeLessThan(out.indexOf("memory: "));
      expect(out).toContain('memory: remembered "I keep three cats."');
      expect((await engine.list({ userId: "bo" })).map((m) => m.text)).toEqual(["I keep three cats."]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with background updates and the store down, says the update is retrying (with the reason) at once; later turns report their own changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-bg-down-"));
    try {
      const { deps, engine, store } = makeTestDeps();
      let down = false;
      const put = store.put.bind(store);
      store.put = async (...args: Parameters<typeof store.put>) => {
        if (down) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6333"), { code: "ECONNREFUSED" });
        return put(...args);
      };
      const worker = new MemoryWorker({
        memory: deps.memory,
        queue: new SqliteJobQueue(join(dir, "queue.db")),
        logger: silentLogger,
        retryBaseMs: 60_000,
      });
      let out = "";
      const s = new ChatSession({
        graph: buildGraph({ ...deps, worker }).compile({ checkpointer: new MemorySaver() }),
        threads: new InMemoryThreadRegistry(),
        memory: async () => engine,
        userId: "cy",
        maxMessageChars: 8000,
        write: (t) => (out += t),
        worker,
      });
      down = true;
      const started = Date.now();
      await s.handle("I was born in Quito.");
      // Told at once, not after the (here: one minute) retry.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(out).toMatch(
        /memory: retrying: connect ECONNREFUSED 127\.0\.0\.1:6333 \(the update stays queued and is tried again\)/,
      );
      expect(await worker.backlog()).toBe(1);
      out = "";
      // Still down: the next turn's update waits behind the first, and the line says why.
      await s.handle("I like mangoes.");
      expect(out).toMatch(/memory: queued: waiting behind an earlier update that is retrying: connect ECONNREFUSED/);
      await s.handle("/queue");
      expect(out.match(/ queued +tries/g)).toHaveLength(2);
      down = false;
      out = "";
      // The next turn's job first stores the queued one (in order), then its own; its line is its own.
      await s.handle("I work as a pilot.");
      expect(out).toContain('memory: remembered "I work as a pilot."');
      expect(out).not.toContain("Quito");
      out = "";
      await s.handle("I have two sons.");
      expect(out).toContain('memory: remembered "I have two sons."');
      expect(await worker.backlog()).toBe(0);
      expect((await engine.list({ userId: "cy" })).map((m) => m.text).sort()).toEqual([
        "I have two sons.",
        "I like mangoes.",
        "I was born in Quito.",
        "I work as a pilot.",
      ]);
      out = "";
      await s.handle("/queue");
      expect(out).toContain("no memory updates waiting");
      await worker.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("streams the answer and says what was used and remembered", async () => {
    const { s, read } = session();
    await s.handle("I grow tomatoes on my balcony.");
    const first = read();
    expect(first).toMatch(/^assistant> /);
    expect(first).toContain('memory: remembered "I grow tomatoes on my balcony."');
    await s.handle("What do I grow on the balcony?");
    const second = read();
    expect(second).toContain('used: "I grow tomatoes on my balcony."');
    expect(second).toContain("From memory:");
  });

  it("lists, searches, shows history, forgets one memory and forgets the user once confirmed", async () => {
    const { s, read, engine } = session("dana", { interactive: true });
    await s.handle("I speak Portuguese. 我喜欢爬山。");
    read();
    await s.handle("/memories");
    const list = read();
    expect(list).toContain("I speak Portuguese.");
    expect(list).toContain("我喜欢爬山。");
    await s.handle("/search 爬山");
    expect(read()).toContain("我喜欢爬山。");
    const [memory] = await engine.list({ userId: "dana" });
    await s.handle(`/history ${memory.id}`);
    expect(read()).toMatch(/ADD\s+"/);
    await s.handle(`/forget ${memory.id}`);
    expect(read()).toContain(`forgot ${memory.id}`);
    await s.handle(`/forget ${memory.id}`);
    expect(read()).toMatch(/error: No memory with id/);
    await s.handle("/forget-me");
    expect(read()).toContain("This erases all 1 memory of user dana");
    await s.handle("dana");
    expect(read()).toMatch(/erased 1 memories and 3 history entries/);
    expect(await engine.list({ userId: "dana" })).toEqual([]);
  });

  it("/forget-me asks for the user id in a terminal, and anything else, an empty line included, cancels", async () => {
    const { s, read, engine } = session("dana", { interactive: true });
    await s.handle("I keep bees. I live in Lisbon.");
    read();
    for (const answer of ["yes", "y", "", "Dana", "/quit"]) {
      expect(s.prompt).toBe("you> ");
      await s.handle("/forget-me");
      const asked = read();
      expect(asked).toContain(
        "This erases all 2 memories of user dana (superseded ones too), their history and queued updates; it cannot be undone.",
      );
      expect(asked).toContain("Type dana to confirm; anything else cancels.");
      expect(s.prompt).toBe("confirm> ");
      expect(await s.handle(answer)).toBe(true);
      expect(read()).toBe("cancelled: nothing erased\n");
      expect(await engine.list({ userId: "dana" })).toHaveLength(2);
    }
    expect(s.prompt).toBe("you> ");
  });

  it("/forget-me with piped input erases nothing, even when the next line is the user id", async () => {
    const { s, read, engine } = session("dana", { interactive: false });
    await s.handle("I keep bees.");
    read();
    await s.handle("/forget-me");
    expect(read()).toBe(
      "/forget-me is confirmed by typing in a terminal, and this input is not one: nothing erased. From a script: npx memories forget-user --user dana --yes\n",
    );
    expect(s.prompt).toBe("you> ");
    // The next line is an ordinary turn, not a confirmation.
    await s.handle("dana");
    expect(read()).toMatch(/^assistant> /);
    expect((await engine.list({ userId: "dana" })).map((m) => m.text)).toEqual(["I keep bees."]);
  });

  it("/history shows what a memory replaced and what replaced it, with text and validity", async () => {
    // Like rememberingScript, but a new "I live in ..." supersedes the stored one.
    const moving: Script = (kind, messages) => {
      if (kind !== "reconcile") return rememberingScript(kind, messages);
      const prompt = messageText(messages.at(-1)!);
      const stored = /^\[(\d+)\] I live in/m.exec(prompt)?.[1];
      const facts = [...prompt.matchAll(/^\(([A-Z]\d*)\) (.*)$/gm)];
      return JSON.stringify({
        decisions: facts.map(([, fact, text]) =>
          stored !== undefined && text.startsWith("I live in")
            ? { fact, action: "SUPERSEDE", memory: Number(stored), text }
            : { fact, action: "ADD" },
        ),
      });
    };
    const { s, read, engine } = session("dana", { script: moving });
    await s.handle("I live in Lisbon.");
    await s.handle("I live in Porto.");
    await s.handle("I live in Berlin.");
    read();
    const all = await engine.list({ userId: "dana", includeHistory: true });
    const id = (text: string) => all.find((m) => m.text === text)!.id;
    expect(all.filter((m) => m.validTo === null).map((m) => m.text)).toEqual(["I live in Berlin."]);

    await s.handle(`/history ${id("I live in Porto.")}`);
    const middle = read();
    expect(middle).toMatch(/ADD +"I live in Porto\."/);
    expect(middle).toMatch(/SUPERSEDE +"I live in Porto\." → "I live in Berlin\."/);
    const versions = middle
      .slice(middle.indexOf("versions of this fact, oldest first (* this one):"))
      .split("\n")
      .slice(1, 4);
    expect(versions[0]).toMatch(
      new RegExp(
        `^  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d → \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  ${id("I live in Lisbon.")}  "I live in Lisbon\\."$`,
      ),
    );
    expect(versions[1]).toMatch(
      new RegExp(
        `^\\* \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d → \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  ${id("I live in Porto.")}  "I live in Porto\\."$`,
      ),
    );
    expect(versions[2]).toMatch(
      new RegExp(`^  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d → now +${id("I live in Berlin.")}  "I live in Berlin\\."$`),
    );

    // From the newest: its own history is one ADD, and the versions show both it replaced.
    await s.handle(`/history ${id("I live in Berlin.")}`);
    const newest = read();
    expect(newest.match(/ADD|SUPERSEDE/g)).toEqual(["ADD"]);
    expect(newest).toContain(`  ${id("I live in Lisbon.")}  "I live in Lisbon."`);
    expect(newest).toContain(`  ${id("I live in Porto.")}  "I live in Porto."`);
    expect(newest).toMatch(/\* \S+ \S+ → now +\S+ {2}"I live in Berlin\."/);

    // A memory that never changed shows no versions block.
    await s.handle("I keep bees.");
    read();
    await s.handle(`/history ${(await engine.list({ userId: "dana" })).find((m) => m.text === "I keep bees.")!.id}`);
    expect(read()).not.toContain("versions of this fact");
  });

  it("starts new threads and lists them", async () => {
    const { s, read } = session();
    await s.handle("hello");
    const first = s.threadId;
    await s.handle("/new");
    expect(read()).toContain("new thread");
    expect(s.threadId).not.toBe(first);
    await s.handle("hello again");
    read();
    await s.handle("/threads");
    const threads = read();
    expect(threads).toContain(first);
    expect(threads).toContain(`* ${s.threadId}`);
  });

  it("answers /help, rejects unknown commands and leaves on /quit", async () => {
    const { s, read } = session();
    expect(await s.handle("/help")).toBe(true);
    expect(read()).toContain("/forget-me");
    await s.handle("/nope");
    expect(read()).toContain("unknown command /nope");
    await s.handle("/search");
    expect(read()).toContain("usage: /search <text>");
    expect(await s.handle("/quit")).toBe(false);
  });

  it("reports a bad message without crashing", async () => {
    const { s, read } = session();
    await s.handle("bad \u0007 bell");
    expect(read()).toMatch(/error: .*control characters/);
  });
});
