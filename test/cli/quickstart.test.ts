/**
 * The quick start as a new user meets it: no CHAT_MODEL, the local models `npm run models:fetch`
 * downloads, the README's commands. Telling the chat two facts (English and Chinese) on piped
 * stdin stores both, Chinese kept Chinese, and the memories command lists them as clean JSON.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOCAL_MODELS } from "../../src/models/chat.js";

const root = resolve(import.meta.dirname, "../..");
const present = existsSync(join(root, LOCAL_MODELS.answer)) && existsSync(join(root, LOCAL_MODELS.memory));
if (!present)
  console.log(
    `skipped: quick-start test: needs ${LOCAL_MODELS.answer} and ${LOCAL_MODELS.memory} (run npm run models:fetch)`,
  );

const dataDir = mkdtempSync(join(tmpdir(), "memory-chat-quickstart-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The user's environment: no model settings of the test run, long-term memory in its own folder. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, MEMORY_STORE: "sqlite" };
  for (const key of [
    "CHAT_MODEL",
    "MEMORY_MODEL",
    "EMBEDDING_MODEL",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "QDRANT_URL",
    "LOG_LEVEL",
  ])
    delete env[key];
  return env;
}

describe.skipIf(!present)("quick start with the default local models (real GGUF files)", () => {
  it("remembers an English and a Chinese fact told on piped stdin, and lists them", async () => {
    const child = spawn("npm", ["start", "-s", "--", "--user", "qs-alice"], {
      cwd: root,
      env: userEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.stdin.end("I'm allergic to peanuts.\n我对花生过敏。\n");
    expect(await exited, out).toBe(0);
    expect(out).toContain('memory: remembered "I\'m allergic to peanuts."');
    // The Chinese statement of the same fact finds the English memory as related: the local model
    // either adds it or updates the memory to it (the English text then stays in its history).
    expect(out).toMatch(/memory: (remembered "我对花生过敏。"|updated "I'm allergic to peanuts\." → "我对花生过敏。")/);
    expect(out).toContain("input ended: storing the queued memory updates before exiting");

    const memories = (...args: string[]) =>
      spawnSync("npx", ["memories", ...args, "--user", "qs-alice", "--json"], {
        cwd: root,
        env: userEnv(),
        encoding: "utf8",
      });
    const listed = memories("list");
    expect(listed.status, listed.stderr).toBe(0);
    const current = (JSON.parse(listed.stdout) as { memories: { id: string; text: string }[] }).memories;
    expect(current.map((m) => m.text)).toContain("我对花生过敏。");
    const told = new Set<string>();
    for (const m of current) {
      const history = memories("history", m.id);
      expect(history.status, history.stderr).toBe(0);
      for (const entry of JSON.parse(history.stdout).history as { oldText: string | null; newText: string | null }[]) {
        for (const text of [entry.oldText, entry.newText]) if (text) told.add(text);
      }
    }
    expect([...told]).toEqual(expect.arrayContaining(["I'm allergic to peanuts.", "我对花生过敏。"]));
  }, 600_000);
});
