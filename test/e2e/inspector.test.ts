/**
 * The memory inspector (src/ui) in a real browser against the real `langgraph dev` process (scripted
 * model, real SQLite store and queue in its DATA_DIR), in token mode with three users. Every view is
 * driven as a person would: list and filter, a superseded fact's timeline, the as-of control, the
 * search playground, feedback and forget, the map, the profile chart, the queue, Chinese text, and
 * another user's page. Screenshots and the first paint of the memories view for a user with 1,000
 * memories (first-paint.json; reported, not asserted) go to test-results/ui/, or to the folder
 * UI_SHOTS_DIR names: `UI_SHOTS_DIR=bench/results/ui` refreshes the committed ones, so a plain
 * `npm test` leaves tracked files as they were.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { browserMissing, launchBrowser } from "./browser.js";
import { startDevServer, type DevServer } from "./dev-server.js";

const missing = browserMissing();
if (missing) console.log(`inspector browser tests skipped: ${missing}`);

const SHOTS = resolve(import.meta.dirname, "../..", process.env.UI_SHOTS_DIR || "test-results/ui");
const TOKENS = {
  alice: "alice-inspector-token-0001",
  bob: "bob-inspector-token-00002",
  many: "many-inspector-token-0003",
} as const;
type User = keyof typeof TOKENS;

let server: DevServer;
let browser: Browser;
let alice: { context: BrowserContext; page: Page };
const ids: Record<string, string> = {};

async function call(user: User, method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${TOKENS[user]}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function say(user: User, content: string, time: string) {
  const res = await call(user, "POST", "/memories", { messages: [{ role: "user", content }], time });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  for (const change of res.body.changes) ids[change.text] = change.memoryId;
}

/** A page signed in as `user`: the token typed once into the page's form. */
async function signIn(user: User, hash = "") {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/ui${hash}`);
  await page.fill("#token", TOKENS[user]);
  await page.click("#token-form button[type=submit]");
  await page.waitForSelector(`#signed-in:has-text("${user}")`);
  return { context, page };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const rowTexts = (page: Page) => page.locator("#memories tbody td.text").allTextContents();

describe.skipIf(missing !== undefined)("memory inspector in a browser", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startDevServer("test/e2e/langgraph.json", {
      MEMORY_UPDATE_MODE: "background",
      AUTH_TOKENS: Object.entries(TOKENS)
        .map(([user, token]) => `${user}:${token}`)
        .join(","),
    });
    // Alice's life, told at its own times: a move (a superseded fact), a job, a dog, Chinese, questions.
    await say("alice", "I live in Lisbon. I keep bees.", "2025-01-10T10:00:00Z");
    await say("alice", "How do I center a div with CSS in React?", "2025-02-01T10:00:00Z");
    await say("alice", "Why does my CSS grid break in React?", "2025-02-15T10:00:00Z");
    await say("alice", "How do I test a React component with CSS modules?", "2025-03-01T10:00:00Z");
    await say("alice", "I live in Porto.", "2025-06-10T10:00:00Z");
    await say("alice", "I work as a nurse. My dog is called Rex.", "2025-07-01T10:00:00Z");
    await say("alice", "我喜欢喝绿茶。", "2025-07-10T10:00:00Z");
    await say("alice", "How do I add an index to a Postgres table?", "2026-11-20T10:00:00Z");
    await say("alice", "How should I partition a large Postgres table?", "2026-12-01T10:00:00Z");
    await say("bob", "I live in Berlin. My locker code is 7731.", "2025-03-01T10:00:00Z");
    browser = await launchBrowser();
    alice = await signIn("alice");
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("asks for the token once, then lists the current memories and filters them", async () => {
    const { page } = alice;
    await page.waitForSelector("#memories tbody tr");
    const current = await rowTexts(page);
    expect(current).toEqual(
      expect.arrayContaining(["I live in Porto.", "I keep bees.", "我喜欢喝绿茶。", "I work as a nurse."]),
    );
    expect(current).not.toContain("I live in Lisbon.");
    await expect
      .poll(() => page.locator("#memories tbody tr").first().locator("td.when").textContent())
      .toContain("→ now");
    await shot(page, "memories");

    await page.selectOption("#filter-state", "superseded");
    await page.waitForSelector('#memories td.text:has-text("I live in Lisbon.")');
    expect(await rowTexts(page)).toEqual(["I live in Lisbon."]);

    await page.selectOption("#filter-state", "all");
    await page.fill("#filter-text", "bees");
    await page.press("#filter-text", "Enter");
    await expect.poll(() => rowTexts(page)).toEqual(["I keep bees."]);

    await page.fill("#filter-text", "");
    await page.selectOption("#filter-category", "skill");
    await page.waitForSelector("#memories td.empty");
    await page.selectOption("#filter-category", "");
    await page.selectOption("#filter-state", "current");
    await page.waitForSelector('#memories td.text:has-text("I live in Porto.")');
  });

  it("shows a superseded fact's versions on the memory's timeline, with the reason of the change", async () => {
    const { page } = alice;
    await page.click('#memories a:has-text("I live in Porto.")');
    await page.waitForSelector("#timeline");
    const versions = await page.locator("#timeline > li .version-text").allTextContents();
    expect(versions).toEqual(["I live in Lisbon.", "I live in Porto."]);
    const lisbon = page.locator("#timeline > li").first();
    expect(await lisbon.textContent()).toContain("replaced by I live in Porto.");
    expect(await lisbon.locator(".change.supersede").textContent()).toMatch(/SUPERSEDE[\s\S]*reason: /);
    expect(await page.locator("#memory-weight").textContent()).toBe("1.00");
    await shot(page, "memory-timeline");
  });

  it("moves the as-of control back and shows the fact as it stood then", async () => {
    const { page } = alice;
    await page.goto(`${server.url}/ui#memories`);
    await page.waitForSelector('#memories td.text:has-text("I live in Porto.")');
    await page.fill("#as-of", "2025-03-01T12:00:00");
    await page.dispatchEvent("#as-of", "change");
    await page.waitForSelector('#memories td.text:has-text("I live in Lisbon.")');
    const then = await rowTexts(page);
    expect(then).toEqual(expect.arrayContaining(["I live in Lisbon.", "I keep bees."]));
    expect(then).not.toContain("I live in Porto.");
    expect(then).not.toContain("我喜欢喝绿茶。");
    expect(await page.locator('#memories tr:has-text("I live in Lisbon.") td').nth(3).textContent()).toBe(
      "held then (superseded since)",
    );
    await shot(page, "as-of");
    await page.click("#as-of-now");
    await page.waitForSelector('#memories td.text:has-text("I live in Porto.")');
  });

  it("runs a search and shows each hit's ranks, the fusion weights and the score's factors", async () => {
    const { page } = alice;
    await page.click('nav a[data-view="search"]');
    await page.fill("#query", "bees");
    await page.click("#run-search");
    const first = page.locator("#hits tbody tr").first();
    await expect.poll(() => first.locator("td.text").textContent()).toBe("I keep bees.");
    expect(await first.locator("td.lexical-rank").textContent()).toBe("1");
    expect(await first.locator("td.dense-rank").textContent()).toMatch(/^\d+$/);
    expect(await first.locator("td.score").textContent()).toMatch(/^\d\.\d{4}$/);
    expect(await page.locator("#fusion").textContent()).toMatch(/dense \d\.\d\d, lexical \d\.\d\d/);
    await shot(page, "search");

    // Chinese is found by its words.
    await page.fill("#query", "绿茶");
    await page.click("#run-search");
    await expect.poll(() => first.locator("td.text").textContent()).toBe("我喜欢喝绿茶。");
    expect(await first.locator("td.lexical-rank").textContent()).toBe("1");
  });

  it("draws the memory map; clicking an entity lists its memories", async () => {
    const { page } = alice;
    await page.click('nav a[data-view="map"]');
    await page.waitForSelector("#map svg [data-entity]");
    expect(await page.locator("#map svg [data-entity]").count()).toBeGreaterThanOrEqual(3);
    await page.locator("#map svg [data-entity]", { hasText: "Porto" }).click();
    await page.waitForSelector('#entity .entity-memories li:has-text("I live in Porto.")');
    await shot(page, "map");
  });

  it("shows the profile sections and the interests as a chart over time", async () => {
    const { page } = alice;
    await page.click('nav a[data-view="profile"]');
    await page.waitForSelector(".profile-section");
    expect(await page.locator(".profile-section h3").allTextContents()).toEqual([
      "identity",
      "preferences",
      "constraints",
      "focus",
    ]);
    await page.waitForSelector("#interests rect[data-topic]");
    const topics = await page
      .locator("#interests rect[data-topic]")
      .evaluateAll((rects) => rects.map((r) => r.getAttribute("data-topic")));
    expect(topics.length).toBeGreaterThanOrEqual(2);
    // The shift the chart is for: frontend questions then, database questions now.
    expect(topics.join(" ").toLowerCase()).toContain("postgres");
    expect(topics.join(" ").toLowerCase()).toMatch(/css|react/);
    await shot(page, "profile");
  });

  it("lists the update queue's jobs by state", async () => {
    const { page } = alice;
    await page.click('nav a[data-view="queue"]');
    await page.waitForSelector("#jobs tbody tr");
    expect(await page.locator("#jobs tbody tr[data-id]").count()).toBeGreaterThan(0);
    await page.selectOption("#job-state", "dead");
    await page.waitForSelector("#jobs td.empty");
    await page.selectOption("#job-state", "");
    await page.waitForSelector("#jobs tbody tr[data-id]");
    await shot(page, "queue");
  });

  it("edits a memory's text; the change is on its timeline", async () => {
    const { page } = alice;
    await page.goto(`${server.url}/ui#memory/${ids["I keep bees."]}`);
    await page.click("#edit");
    await page.fill("#edit-text", "I keep two hives of bees.");
    await page.click("#edit-save");
    await expect.poll(() => page.locator("#memory-text").textContent()).toBe("I keep two hives of bees.");
    const update = page.locator("#timeline .change.update");
    expect(await update.locator("del").textContent()).toBe("I keep bees.");
    expect(await update.locator("ins").textContent()).toBe("I keep two hives of bees.");
  });

  it("feedback wrong takes a memory out of the current list", async () => {
    const { page } = alice;
    await page.goto(`${server.url}/ui#memory/${ids["I work as a nurse."]}`);
    await page.waitForSelector("#fb-wrong");
    await page.click("#fb-up");
    await expect.poll(() => page.locator("#memory-weight").textContent()).not.toBe("1.00");
    await page.click("#fb-wrong");
    await expect.poll(() => page.locator("#memory-state").textContent()).toBe("wrong");
    await page.click('nav a[data-view="memories"]');
    await page.waitForSelector('#memories td.text:has-text("I live in Porto.")');
    expect(await rowTexts(page)).not.toContain("I work as a nurse.");
  });

  it("forgets a memory after a confirmation that names it", async () => {
    const { page } = alice;
    await page.click('#memories a:has-text("My dog is called Rex.")');
    await page.click("#forget");
    await page.waitForSelector("#confirm[open]");
    expect(await page.locator("#confirm-text").textContent()).toContain("“My dog is called Rex.”");
    await page.click("#confirm button[value=cancel]");
    expect(await page.locator("#memory-text").textContent()).toBe("My dog is called Rex.");
    await page.click("#forget");
    await page.click("#confirm-ok");
    await page.waitForSelector('#memories td.text:has-text("I live in Porto.")');
    expect(await rowTexts(page)).not.toContain("My dog is called Rex.");
    expect((await call("alice", "GET", `/memories/${ids["My dog is called Rex."]}`)).status).toBe(404);
  });

  it("token mode: bob's page shows nothing of alice's, and her ids answer 404", async () => {
    const bob = await signIn("bob");
    try {
      await bob.page.waitForSelector("#memories tbody tr");
      expect(await rowTexts(bob.page)).toEqual(
        expect.arrayContaining(["I live in Berlin.", "My locker code is 7731."]),
      );
      for (const view of ["memories", "map", "profile", "queue"]) {
        await bob.page.goto(`${server.url}/ui#${view}`);
        await bob.page.waitForLoadState("networkidle");
        const text = (await bob.page.locator("main").textContent()) ?? "";
        for (const secret of ["Porto", "Lisbon", "bees", "绿茶", "nurse", "Postgres"])
          expect(text, `${view} shows ${secret}`).not.toContain(secret);
      }
      await bob.page.goto(`${server.url}/ui#memory/${ids["I live in Porto."]}`);
      await bob.page.waitForSelector("#not-found");
      expect(await bob.page.locator("#status").textContent()).toContain("Not found");
      expect((await call("bob", "GET", `/memories/${ids["I live in Porto."]}`)).status).toBe(404);
      expect((await call("bob", "GET", `/memories/${ids["I live in Porto."]}/history`)).status).toBe(404);
      await bob.page.click('nav a[data-view="search"]');
      await bob.page.fill("#query", "Porto bees 绿茶");
      await bob.page.click("#run-search");
      await bob.page.waitForSelector("#fusion");
      expect(await bob.page.locator("#hits").textContent()).not.toMatch(/Porto|bees|绿茶/);
    } finally {
      await bob.context.close();
    }
  });

  it("first paint of the memories view for a user with 1,000 memories (measured, reported)", async () => {
    for (let batch = 0; batch < 2; batch++) {
      const facts = Array.from({ length: 500 }, (_, i) => ({
        text: `Note ${batch * 500 + i}: I tried recipe number ${batch * 500 + i} with ${i % 2 ? "lentils" : "rice"}.`,
        category: "event",
      }));
      const res = await call("many", "POST", "/memories", { infer: false, facts });
      expect(res.status).toBe(201);
    }
    const runs: { firstContentfulPaint: number; memoriesRendered: number; listRequest: number }[] = [];
    for (let run = 0; run < 3; run++) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
      await context.addInitScript((token) => sessionStorage.setItem("memory-inspector-token", token), TOKENS.many);
      const page = await context.newPage();
      await page.goto(`${server.url}/ui`);
      await page.waitForSelector("#memories tbody tr");
      expect(await page.locator("#list-summary").textContent()).toContain("1000 memories");
      runs.push(
        await page.evaluate(() => ({
          firstContentfulPaint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
          memoriesRendered: performance.getEntriesByName("memories-rendered")[0]?.startTime ?? NaN,
          // The page's list call (the first 100 of the 1,000, with the total), request to last byte.
          listRequest:
            (performance.getEntriesByType("resource") as { name: string; duration: number }[]).find((e) =>
              /\/memories\?.*limit=100/.test(e.name),
            )?.duration ?? NaN,
        })),
      );
      await context.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const figures = {
      memories: 1000,
      shownFirst: 100,
      runs,
      medianFirstContentfulPaintMs: Math.round(median(runs.map((r) => r.firstContentfulPaint))),
      medianMemoriesRenderedMs: Math.round(median(runs.map((r) => r.memoriesRendered))),
      medianListRequestMs: Math.round(median(runs.map((r) => r.listRequest))),
      loadAverage1m: Number(loadavg()[0].toFixed(2)),
      measuredAt: new Date().toISOString(),
    };
    writeFileSync(join(SHOTS, "first-paint.json"), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(
      `inspector first paint, 1,000 memories: first contentful paint ${figures.medianFirstContentfulPaintMs} ms, memories rendered ${figures.medianMemoriesRenderedMs} ms, ` +
        `list request ${figures.medianListRequestMs} ms (median of 3; load average ${figures.loadAverage1m})`,
    );
    expect(runs.every((r) => Number.isFinite(r.memoriesRendered))).toBe(true);
  });
});
