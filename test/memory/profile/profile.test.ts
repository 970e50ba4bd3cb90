/**
 * The user model's profile with scripted models: made from the memories (model and rules), kept
 * current through the update queue (a real SQLite queue file) with one refresh per burst, the
 * interest trend from the topics of questions asked at scripted times, the prompt budget, and
 * forget, export and import.
 */
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/logger.js";
import { MemoryEngine } from "../../../src/memory/engine.js";
import type { ExtractionStyle } from "../../../src/models/chat.js";
import { SqliteJobQueue } from "../../../src/stores/sqlite/queue.js";
import { MemoryWorker } from "../../../src/memory/queue/worker.js";
import { messageText } from "../../../src/models/structured.js";
import { profileBlock } from "../../../src/graph/profile-block.js";
import { estimateTokens } from "../../../src/graph/tokens.js";
import { ImportDocument } from "../../../src/app/transfer/format.js";
import { exportUser, importUser } from "../../../src/app/transfer/user-transfer.js";
import { InMemoryEntityStore } from "../../../src/stores/in-memory/entities.js";
import { InMemoryProfileStore } from "../../../src/stores/in-memory/profiles.js";
import { InMemoryMemoryStore } from "../../../src/stores/in-memory/memories.js";
import { ScriptedChatModel, rememberingScript, type Script } from "../../helpers/scripted-model.js";

const dirs: string[] = [];
const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of closing.splice(0)) await c.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function queue(): SqliteJobQueue {
  const dir = mkdtempSync(join(tmpdir(), "profile-queue-"));
  dirs.push(dir);
  const q = new SqliteJobQueue(join(dir, "queue.db"));
  closing.push(q);
  return q;
}

/** The remembering script, with the topics a capable model gives each message (from `topics`, by text). */
function withTopics(topics: Record<string, string[]>, base: Script = rememberingScript): Script {
  return async (kind, messages) => {
    const reply = await base(kind, messages);
    if (kind !== "extract") return reply;
    const user = /<user>\n([\s\S]*?)\n<\/user>/.exec(messageText(messages.at(-1)!))?.[1] ?? "";
    return JSON.stringify({ ...JSON.parse(reply), topics: topics[user] ?? [] });
  };
}

function engineWith(
  options: { model?: ScriptedChatModel; jobs?: SqliteJobQueue; style?: ExtractionStyle; now?: () => Date } = {},
) {
  const engine = new MemoryEngine({
    store: new InMemoryMemoryStore(),
    entities: new InMemoryEntityStore(),
    profiles: new InMemoryProfileStore(),
    embeddings: new SyntheticEmbeddings({ vectorSize: 16 }),
    dims: 16,
    chatModel: options.model,
    extractionStyle: options.style,
    jobs: options.jobs,
    now: options.now,
  });
  return engine;
}

function workerFor(engine: MemoryEngine, jobs: SqliteJobQueue): MemoryWorker {
  const worker = new MemoryWorker({ memory: async () => engine, queue: jobs, logger: silentLogger, pollMs: 20 });
  closing.push(worker);
  return worker;
}

describe("the profile is made from the memories", () => {
  it("by the rules without a model: categories to sections, an allergy to constraints whatever its category, the map's relations to identity", async () => {
    const engine = engineWith();
    await engine.add("", {
      userId: "ana",
      infer: false,
      facts: [
        { text: "I work as a nurse in Leeds.", category: "profile" },
        { text: "I love jazz.", category: "preference" },
        { text: "I am allergic to peanuts.", category: "other" },
        { text: "我不吃猪肉。", category: "preference" },
        { text: "I'm running a marathon in October.", category: "plan" },
        { text: "My sister Melanie lives in Paris.", category: "other" },
      ],
    });
    const profile = await engine.profiles!.refresh("ana");
    expect(profile.source).toBe("rules");
    expect(profile.summary.constraints.sort()).toEqual(["I am allergic to peanuts.", "我不吃猪肉。"]);
    expect(profile.summary.preferences).toEqual(["I love jazz."]);
    expect(profile.summary.focus).toEqual(["I'm running a marathon in October."]);
    expect(profile.summary.identity).toEqual(
      expect.arrayContaining(["I work as a nurse in Leeds.", "Melanie (sister)"]),
    );
    const view = await engine.profiles!.read("ana");
    // No queue here: the refresh was called by hand, and the profile is current.
    expect(view).toMatchObject({ status: "ready", memoryCount: 6, pendingSince: null });
  });

  it("by the model (facts style): its lines, from the newest memories first", async () => {
    const model = new ScriptedChatModel(rememberingScript);
    const engine = engineWith({ model });
    await engine.add("I live in Lisbon. I keep bees.", { userId: "bo", time: "2026-01-01T00:00:00Z" });
    await engine.add("I play the cello.", { userId: "bo", time: "2026-02-01T00:00:00Z" });
    const profile = await engine.profiles!.refresh("bo");
    expect(profile.source).toBe("model");
    expect(profile.summary.identity[0]).toBe("I play the cello.");
    expect(profile.summary.identity.slice(1).sort()).toEqual(["I keep bees.", "I live in Lisbon."]);
    expect(model.callsOf("profile")).toHaveLength(1);
    expect((await engine.profiles!.read("bo")).status).toBe("ready");
  });

  it("by a small local model (quotes style): it sorts memory numbers, so the lines are the memories' own words", async () => {
    const model = new ScriptedChatModel((kind, messages) => {
      if (kind === "extract") return JSON.stringify({ facts: [] });
      if (kind !== "profile") return "";
      // Numbers only: the schema allows nothing else.
      expect(messageText(messages[0])).toMatch(/^You sort a user's memories/);
      return JSON.stringify({ identity: ["2"], preferences: [], constraints: ["1"], focus: [] });
    });
    const engine = engineWith({ model, style: "quotes" });
    await engine.add("", {
      userId: "cy",
      infer: false,
      time: "2026-01-01T00:00:00Z",
      facts: [{ text: "I work at Acme." }],
    });
    await engine.add("", {
      userId: "cy",
      infer: false,
      time: "2026-02-01T00:00:00Z",
      facts: [{ text: "我对花生过敏。" }],
    });
    const profile = await engine.profiles!.refresh("cy");
    expect(profile.summary).toEqual({
      identity: ["I work at Acme."],
      preferences: [],
      constraints: ["我对花生过敏。"],
      focus: [],
    });
  });

  it("a model answer that stays malformed gives the rules' profile with a note, never a broken one", async () => {
    const model = new ScriptedChatModel((kind) =>
      kind === "profile" ? "I think the user likes jazz" : JSON.stringify({ facts: [] }),
    );
    const engine = engineWith({ model });
    await engine.add("", { userId: "di", infer: false, facts: [{ text: "I love jazz.", category: "preference" }] });
    const profile = await engine.profiles!.refresh("di");
    expect(profile).toMatchObject({ source: "rules", summary: { preferences: ["I love jazz."] } });
    expect(profile.note).toMatch(/did not validate/);
    expect(model.callsOf("profile")).toHaveLength(2);
  });
});

describe("the profile is kept current through the update queue", () => {
  it("an update that changes memories queues a refresh; the profile is pending until it ran, then ready", async () => {
    const jobs = queue();
    const engine = engineWith({ model: new ScriptedChatModel(rememberingScript), jobs });
    const worker = workerFor(engine, jobs);
    const { jobId } = await worker.enqueue([{ role: "user", content: "I live in Lisbon." }], { userId: "eve" });
    worker.start();
    expect((await worker.result(jobId)).status).toBe("stored");
    await worker.idle();
    const all = await jobs.list({ userId: "eve" });
    expect(all.map((j) => j.payload.kind ?? "memory update")).toEqual(["memory update", "profile refresh"]);
    expect(all.every((j) => j.state === "done")).toBe(true);
    const view = await engine.profiles!.read("eve");
    expect(view).toMatchObject({
      status: "ready",
      source: "model",
      pendingSince: null,
      summary: { identity: ["I live in Lisbon."] },
    });
  });

  it("a burst of five updates gives one refresh, which sees all five", async () => {
    const jobs = queue();
    const model = new ScriptedChatModel(rememberingScript);
    const engine = engineWith({ model, jobs });
    const worker = workerFor(engine, jobs);
    const facts = ["I live in Rome.", "I keep bees.", "I play chess.", "I have two cats.", "I drink green tea."];
    for (const fact of facts) await worker.enqueue([{ role: "user", content: fact }], { userId: "fay" });
    worker.start();
    await worker.idle();
    const refreshes = (await jobs.list({ userId: "fay" })).filter((j) => j.payload.kind === "profile refresh");
    expect(refreshes).toHaveLength(1);
    expect(model.callsOf("profile")).toHaveLength(1);
    expect((await engine.profiles!.read("fay")).summary.identity.sort()).toEqual([...facts].sort());
  });

  it("a turn that changes nothing queues no refresh", async () => {
    const jobs = queue();
    const engine = engineWith({ model: new ScriptedChatModel(rememberingScript), jobs });
    const worker = workerFor(engine, jobs);
    await worker.enqueue([{ role: "user", content: "What time is it?" }], { userId: "gus" });
    worker.start();
    await worker.idle();
    expect((await jobs.list({ userId: "gus" })).map((j) => j.payload.kind ?? "memory update")).toEqual([
      "memory update",
    ]);
    expect((await engine.profiles!.read("gus")).status).toBe("empty");
  });

  it("a deleted memory leaves the profile at the next refresh", async () => {
    const jobs = queue();
    const engine = engineWith({ model: new ScriptedChatModel(rememberingScript), jobs });
    const worker = workerFor(engine, jobs);
    worker.start();
    await worker.run([{ role: "user", content: "I am pregnant. I live in Oslo." }], { userId: "hal" });
    await worker.idle();
    const [pregnant] = (await engine.list({ userId: "hal" })).filter((m) => m.text.includes("pregnant"));
    await engine.delete(pregnant.id, { userId: "hal" });
    expect((await engine.profiles!.read("hal")).status).toBe("pending");
    await worker.idle();
    const view = await engine.profiles!.read("hal");
    expect(view.status).toBe("ready");
    expect(view.summary.identity).toEqual(["I live in Oslo."]);
  });
});

describe("interests over time, through the engine", () => {
  const frontend = [
    "How do I center a div with CSS?",
    "Why does my React component render twice?",
    "CSS grid or flexbox for this layout?",
    "How do I type React props?",
    "What does useEffect cleanup do in React?",
    "How do I lazy load images in the browser?",
    "Why is my CSS animation janky?",
    "How do I test a React component?",
    "What is the CSS box model?",
    "How do I bundle a React app?",
  ];
  const backend = [
    "How do I index a Postgres table?",
    "What is a good SQL schema for orders?",
    "How do I rate limit an API endpoint?",
    "Should my API use REST or gRPC?",
    "How do I shard a Postgres database?",
    "Why is my SQL query slow?",
    "How do I cache API responses in Redis?",
    "How do I run database migrations safely?",
    "What is connection pooling for Postgres?",
    "How do I version an API?",
  ];
  const day = (start: string, i: number) => new Date(Date.parse(start) + i * 86_400_000).toISOString();

  async function askAll(engine: MemoryEngine, user: string) {
    for (const [i, q] of frontend.entries())
      await engine.add(q, { userId: user, time: day("2026-03-02T09:00:00Z", 2 * i), sourceId: `f${i}` });
    for (const [i, q] of backend.entries())
      await engine.add(q, { userId: user, time: day("2026-05-04T09:00:00Z", 2 * i), sourceId: `b${i}` });
  }

  it("LLM path: the extraction's topics; in late May the profile says backend now, frontend before", async () => {
    const topics = Object.fromEntries([
      ...frontend.map((q) => [q, ["frontend"]]),
      ...backend.map((q) => [q, ["backend"]]),
    ]);
    const engine = engineWith({
      model: new ScriptedChatModel(withTopics(topics)),
      now: () => new Date("2026-05-28T00:00:00Z"),
    });
    await askAll(engine, "ivy");
    const view = await engine.profiles!.read("ivy");
    expect(view.interests.current.map((t) => t.topic)).toEqual(["backend"]);
    expect(view.interests.earlier.map((t) => t.topic)).toEqual(["frontend"]);
    expect(view.interests.earlier[0].lastAt.slice(0, 7)).toBe("2026-03");
    // Asked in March, the same questions say frontend.
    expect(
      (await engine.profiles!.read("ivy", new Date("2026-03-22T00:00:00Z"))).interests.current.map((t) => t.topic),
    ).toContain("frontend");
    // Recording a question again (a retried job) counts once.
    await engine.add(backend[0], { userId: "ivy", time: day("2026-05-04T09:00:00Z", 0), sourceId: "b0" });
    expect((await engine.profiles!.read("ivy")).interests.questions).toBe(20);
  });

  it("a model's filler topics (last week, now, 上个月) are not recorded as interests", async () => {
    const engine = engineWith({ now: () => new Date("2026-05-28T00:00:00Z") });
    for (const [i, at] of ["2026-05-20T09:00:00Z", "2026-05-21T09:00:00Z", "2026-05-22T09:00:00Z"].entries()) {
      await engine.profiles!.recordQuestion("lu", {
        sourceId: `q${i}`,
        text: "…",
        at,
        topics: ["last week", "now", "Berlin", "上个月", "live"],
      });
    }
    expect((await engine.profiles!.read("lu")).interests.current.map((t) => t.topic)).toEqual(["berlin"]);
  });

  it("no-LLM path (a quotes-style local model gives no topics): the deterministic topics show the same shift", async () => {
    const engine = engineWith({
      model: new ScriptedChatModel(() => JSON.stringify({ facts: [] })),
      style: "quotes",
      now: () => new Date("2026-05-28T00:00:00Z"),
    });
    await askAll(engine, "jon");
    const { current, earlier } = (await engine.profiles!.read("jon")).interests;
    expect(current.map((t) => t.topic)).toEqual(expect.arrayContaining(["postgres", "api", "sql"]));
    expect(current.map((t) => t.topic)).not.toContain("react");
    expect(earlier.map((t) => t.topic)).toEqual(expect.arrayContaining(["react", "css"]));
  });

  it("Chinese questions too", async () => {
    const zhFront = [
      "怎么用CSS居中一个元素？",
      "React组件为什么渲染两次？",
      "CSS动画为什么卡顿？",
      "怎么测试React组件？",
    ];
    const zhBack = ["怎么优化数据库查询？", "数据库索引怎么建？", "接口怎么限流？", "数据库连接池是什么？"];
    const engine = engineWith({
      model: new ScriptedChatModel(() => JSON.stringify({ facts: [] })),
      style: "quotes",
      now: () => new Date("2026-05-28T00:00:00Z"),
    });
    for (const [i, q] of zhFront.entries())
      await engine.add(q, { userId: "kai", time: day("2026-03-02T09:00:00Z", i), sourceId: `zf${i}` });
    for (const [i, q] of zhBack.entries())
      await engine.add(q, { userId: "kai", time: day("2026-05-20T09:00:00Z", i), sourceId: `zb${i}` });
    const { current, earlier } = (await engine.profiles!.read("kai")).interests;
    expect(current.map((t) => t.topic)).toContain("数据");
    expect(earlier.map((t) => t.topic)).toEqual(expect.arrayContaining(["css", "react"]));
  });
});

describe("the profile in the answer prompt", () => {
  const view = {
    userId: "u",
    status: "ready" as const,
    source: "model" as const,
    memoryCount: 40,
    refreshedAt: "2026-05-01T00:00:00Z",
    pendingSince: null,
    note: null,
    summary: {
      identity: Array.from({ length: 5 }, (_, i) => `Identity line number ${i} with a few more words to cost tokens`),
      preferences: Array.from(
        { length: 5 },
        (_, i) => `Preference line number ${i} with a few more words to cost tokens`,
      ),
      constraints: ["Allergic to peanuts", "不吃猪肉"],
      focus: ["Training for a marathon in October"],
    },
    interests: {
      current: [
        {
          topic: "backend",
          questions: 10,
          weight: 7.9,
          recentShare: 0.8,
          overallShare: 0.5,
          firstAt: "2026-05-04T00:00:00Z",
          lastAt: "2026-05-22T00:00:00Z",
          trend: "rising" as const,
        },
      ],
      earlier: [],
      questions: 20,
    },
  };

  it("stays within the budget, constraints first, whole lines only", () => {
    for (const budget of [60, 120, 200, 400]) {
      const block = profileBlock(view, budget);
      expect(estimateTokens(block)).toBeLessThanOrEqual(budget);
      expect(block).toContain("Allergic to peanuts");
    }
    const small = profileBlock(view, 80);
    expect(small).not.toContain("Preference line number 4");
    expect(profileBlock(view, 1000)).toContain("interests now: backend (10 questions, last 2026-05-22)");
  });

  it("is left out with a budget of 0, or when too small for anything", () => {
    expect(profileBlock(view, 0)).toBe("");
    expect(profileBlock(view, 10)).toBe("");
    expect(profileBlock(null, 200)).toBe("");
  });
});

describe("forget, export and import", () => {
  it("forgetUser erases the profile and the questions; another user's stay", async () => {
    const engine = engineWith({ model: new ScriptedChatModel(withTopics({ "I keep bees.": ["beekeeping"] })) });
    for (const user of ["lea", "max"]) {
      await engine.add("I keep bees.", { userId: user });
      await engine.profiles!.refresh(user);
    }
    const erased = await engine.forgetUser("lea");
    expect(erased).toMatchObject({ profiles: 1, questions: 1 });
    expect((await engine.profiles!.read("lea")).status).toBe("empty");
    expect((await engine.profiles!.read("lea")).interests.questions).toBe(0);
    expect((await engine.profiles!.read("max")).summary.identity).toEqual(["I keep bees."]);
  });

  it("an export carries the profile and the questions; an import puts them back under the importing user", async () => {
    const engine = engineWith({
      model: new ScriptedChatModel(withTopics({ "I keep bees.": ["beekeeping"], "How do bees see?": ["beekeeping"] })),
    });
    await engine.add("I keep bees.", { userId: "ned" });
    await engine.add("How do bees see?", { userId: "ned" });
    await engine.profiles!.refresh("ned");
    const doc = await exportUser(engine, "ned");
    expect(doc.profile).toMatchObject({ source: "model", summary: { identity: ["I keep bees."] } });
    expect(doc.questions).toHaveLength(2);
    const other = engineWith();
    await importUser(other, "oli", ImportDocument.parse(JSON.parse(JSON.stringify(doc))));
    const view = await other.profiles!.read("oli");
    expect(view.summary.identity).toEqual(["I keep bees."]);
    expect(view.interests.current.map((t) => t.topic)).toEqual(["beekeeping"]);
    // The import added memories, so a refresh is pending: the exported summary shows meanwhile.
    expect(view.status).toBe("pending");
  });
});
