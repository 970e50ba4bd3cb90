/**
 * `npx memories ui --port N`: the inspector page and the memory routes on the embedded store,
 * without the dev server. A real process on a real SQLite DATA_DIR: open mode (the page's user
 * picker, localhost only) and token mode (the token's user only, another user's ids answer 404),
 * and Ctrl-C stops it. The page itself is driven in Chromium when it is installed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryEngine } from "../../src/memory/engine.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { USE_LITE_DIMS } from "../../src/models/use-lite.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { freeLoopbackPort } from "../../src/util/free-port.js";
import { browserMissing, launchBrowser } from "../e2e/browser.js";

const ROOT = resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(join(tmpdir(), "memory-chat-ui-"));
const ids: Record<string, string> = {};
const TOKENS = "carol:carol-ui-token-000001,dan:dan-ui-token-00000002";

interface UiServer {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts `memories ui` as a user types it; resolves once it says where it listens. */
async function startUi(env: Record<string, string> = {}): Promise<UiServer> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [join(ROOT, "bin/memories.js"), "ui", "--port", String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      MEMORY_STORE: "sqlite",
      DATA_DIR: dataDir,
      EMBEDDING_MODEL: "",
      CHAT_MODEL: "",
      AUTH_TOKENS: "",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (!output.includes("memory inspector on")) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`memories ui did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, child, output: () => output };
}

async function stopUi(server: UiServer | undefined): Promise<number | null> {
  if (!server || server.child.exitCode !== null) return server?.child.exitCode ?? null;
  const exited = once(server.child, "exit");
  server.child.kill("SIGINT");
  await exited;
  return server.child.exitCode;
}

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on("error", fail);
    req.end();
  });
}

beforeAll(async () => {
  const engine = new MemoryEngine({
    store: new SqliteMemoryStore(join(dataDir, "memory.db")),
    embeddings: new SyntheticEmbeddings({ vectorSize: USE_LITE_DIMS }),
    dims: USE_LITE_DIMS,
  });
  for (const [userId, texts] of [
    ["carol", ["I grow tomatoes.", "我在学日语。"]],
    ["dan", ["I repair bicycles."]],
  ] as const) {
    const { changes } = await engine.add([], {
      userId,
      infer: false,
      facts: texts.map((text) => ({ text })),
      time: "2025-05-01T10:00:00Z",
    });
    for (const c of changes) ids[c.text] = c.memoryId;
  }
  await engine.close();
  // Two memory updates of carol's that failed for good, as a bad API key leaves them.
  const queue = new SqliteJobQueue(join(dataDir, "queue.db"));
  for (const content of ["I grow peppers.", "I grow beans."]) {
    await queue.enqueue("carol", { input: [{ role: "user", content }], options: {} });
    const job = (await queue.claim("test", 60_000))!;
    await queue.bury(job.id, "test", "401 Incorrect API key provided");
  }
  await queue.close();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npx memories ui", { timeout: 120_000 }, () => {
  it("open mode: serves the page and the routes to localhost only, and stops on Ctrl-C", async () => {
    const server = await startUi();
    try {
      const page = await fetch(`${server.url}/ui`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
      const list = (await (await fetch(`${server.url}/memories?userId=carol`)).json()) as {
        memories: { text: string }[];
      };
      expect(list.memories.map((m: { text: string }) => m.text).sort()).toEqual(["I grow tomatoes.", "我在学日语。"]);
      expect(await getWithHost(`${server.url}/memories?userId=carol`, "inspector.example")).toBe(403);
      expect(await getWithHost(`${server.url}/ui`, "inspector.example")).toBe(403);

      const missing = browserMissing();
      if (missing) {
        console.log(`memories ui browser check skipped: ${missing}`);
      } else {
        const browser = await launchBrowser();
        try {
          const tab = await browser.newPage();
          await tab.goto(`${server.url}/ui?user=carol`);
          await tab.waitForSelector('#memories td.text:has-text("我在学日语。")');
          expect(
            await tab.locator("#users option").evaluateAll((os) => os.map((o) => o.getAttribute("value"))),
          ).toEqual(["carol", "dan"]);
          await tab.fill("#user", "dan");
          await tab.dispatchEvent("#user", "change");
          await tab.waitForSelector('#memories td.text:has-text("I repair bicycles.")');
          expect(await tab.locator("#memories td.text").allTextContents()).toEqual(["I repair bicycles."]);

          // Carol's update queue: the failure of each dead job, then retry one and drop the other.
          await tab.goto(`${server.url}/ui?user=carol#queue`);
          await tab.waitForSelector("#jobs tr.dead");
          expect(await tab.locator("#jobs tr.dead td.error").allTextContents()).toEqual([
            "401 Incorrect API key provided",
            "401 Incorrect API key provided",
          ]);
          await tab.locator("#jobs tr.dead button.retry").first().click();
          await tab.waitForSelector("#jobs tr.queued");
          await tab.locator("#jobs tr.dead button.drop").click();
          await expect.poll(() => tab.locator("#jobs tbody tr[data-id]").count()).toBe(1);
          expect(await tab.locator("#jobs tbody tr[data-id]").getAttribute("class")).toBe("queued");
        } finally {
          await browser.close();
        }
      }
    } finally {
      expect(await stopUi(server)).toBe(0);
    }
  });

  it("token mode: the page needs no token, every route does, and another user's ids answer 404", async () => {
    const server = await startUi({ AUTH_TOKENS: TOKENS });
    const as = (token: string | undefined, path: string) =>
      fetch(server.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    try {
      expect((await as(undefined, "/ui")).status).toBe(200);
      expect((await as(undefined, "/memories")).status).toBe(401);
      expect((await as("not-a-token-of-anyone", "/memories")).status).toBe(401);
      const own = (await (await as("carol-ui-token-000001", "/memories")).json()) as { userId: string };
      expect(own.userId).toBe("carol");
      expect(JSON.stringify(own)).not.toContain("bicycles");
      expect((await as("carol-ui-token-000001", "/memories?userId=dan")).status).toBe(403);
      expect((await as("carol-ui-token-000001", `/memories/${ids["I repair bicycles."]}`)).status).toBe(404);
      expect((await as("carol-ui-token-000001", `/memories/${ids["I repair bicycles."]}/history`)).status).toBe(404);
      expect((await as("dan-ui-token-00000002", `/memories/${ids["I repair bicycles."]}`)).status).toBe(200);
    } finally {
      await stopUi(server);
    }
  });

  it("refuses a port that is no port, with a usage error", async () => {
    const child = spawn(process.execPath, [join(ROOT, "bin/memories.js"), "ui", "--port", "http"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stderr).toContain("--port");
  });
});
