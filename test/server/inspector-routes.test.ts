/**
 * What the inspector page asks of the documented routes, in process: the list's state, category,
 * text and asOf conditions (with totals that match), search's `explain`, and the page's own files
 * (no data, a strict Content-Security-Policy).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { createApp } from "../../src/server/create-app.js";
import { INSPECTOR_PATHS } from "../../src/server/ui-routes.js";
import { makeTestDeps } from "../graph/graph-harness.js";

const { engine } = makeTestDeps();
const app = createApp({ memory: async () => engine, logger: silentLogger, maxTextChars: 8000 });
const ids: Record<string, string> = {};

async function get(path: string) {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as any };
}
const texts = (body: { memories: { text: string }[] }) => body.memories.map((m) => m.text).sort();

beforeAll(async () => {
  const add = async (time: string, facts: { text: string; category?: "skill" | "profile" | "preference" }[]) => {
    const { changes } = await engine.add([], { userId: "alice", infer: false, time, facts });
    for (const c of changes) ids[c.text] = c.memoryId;
  };
  await add("2025-01-10T10:00:00Z", [
    { text: "I live in Lisbon.", category: "profile" },
    { text: "I keep bees.", category: "skill" },
  ]);
  await add("2025-06-10T10:00:00Z", [
    { text: "我喜欢喝绿茶。", category: "preference" },
    { text: "I live in Porto.", category: "profile" },
  ]);
  // No longer current from now on: in March 2025 it still held.
  await engine.feedback(ids["I live in Lisbon."], "wrong", { userId: "alice" });
  await engine.add([], { userId: "bob", infer: false, facts: [{ text: "I keep bees too." }] });
});

describe("the list's conditions", () => {
  it("state: current by default, superseded for what no longer holds, all for both; totals match", async () => {
    const current = await get("/memories?userId=alice");
    expect(texts(current.body)).toEqual(["I keep bees.", "I live in Porto.", "我喜欢喝绿茶。"]);
    expect(current.body.total).toBe(3);
    const superseded = await get("/memories?userId=alice&state=superseded");
    expect(texts(superseded.body)).toEqual(["I live in Lisbon."]);
    expect(superseded.body.total).toBe(1);
    expect((await get("/memories?userId=alice&state=all")).body.total).toBe(4);
  });

  it("category and text (Chinese by substring), paged after the condition", async () => {
    expect(texts((await get("/memories?userId=alice&category=skill")).body)).toEqual(["I keep bees."]);
    expect(texts((await get(`/memories?userId=alice&text=${encodeURIComponent("绿茶")}`)).body)).toEqual([
      "我喜欢喝绿茶。",
    ]);
    const live = await get("/memories?userId=alice&state=all&text=LIVE&limit=1&offset=1");
    expect(live.body.total).toBe(2);
    expect(live.body.memories).toHaveLength(1);
    // Another user's memory with the same words is never in the list.
    expect(texts((await get("/memories?userId=alice&state=all&text=bees")).body)).toEqual(["I keep bees."]);
  });

  it("asOf shows what held then, and refuses state or includeHistory beside it", async () => {
    const march = await get("/memories?userId=alice&asOf=2025-03-01T00:00:00Z");
    expect(texts(march.body)).toEqual(["I keep bees.", "I live in Lisbon."]);
    expect((await get("/memories?userId=alice&asOf=2025-03-01T00:00:00Z&state=all")).status).toBe(400);
    expect((await get("/memories?userId=alice&asOf=not-a-time")).status).toBe(400);
    expect((await get("/memories?userId=alice&state=gone")).status).toBe(400);
  });
});

describe("search explain", () => {
  it("gives each hit the factors of its score, only when asked", async () => {
    const search = async (explain?: boolean) =>
      (
        await app.request("/memories/search", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ userId: "alice", query: "bees", explain }),
        })
      ).json() as Promise<any>;
    await engine.feedback(ids["I keep bees."], "up", { userId: "alice" });
    const explained = (await search(true)).results;
    const bees = explained.find((h: any) => h.memory.text === "I keep bees.");
    expect(bees.lexicalRank).toBe(1);
    expect(bees.explain.feedback).toBeGreaterThan(1);
    expect(bees.score).toBeCloseTo(bees.explain.relevance * bees.explain.feedback, 10);
    expect(bees.explain).toMatchObject({ lifted: false });
    expect(bees.explain.recency).toBeGreaterThan(0);
    expect(bees.explain.recency).toBeLessThanOrEqual(1);
    expect((await search()).results[0].explain).toBeUndefined();
  });
});

describe("the page's files", () => {
  it("are served with their types and a policy that allows only the page's own script and server", async () => {
    expect(INSPECTOR_PATHS).toEqual(
      expect.arrayContaining(["/ui", "/ui/inspector.js", "/ui/inspector.css", "/ui/lib.js", "/ui/memories.js"]),
    );
    for (const path of INSPECTOR_PATHS) {
      const type = path === "/ui" ? "text/html" : path.endsWith(".css") ? "text/css" : "text/javascript";
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(await res.text()).not.toMatch(/bees|Lisbon|绿茶/);
    }
  });
});
