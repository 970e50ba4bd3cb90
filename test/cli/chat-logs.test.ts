/**
 * The terminal chat's screen carries the conversation: log lines go to DATA_DIR/chat.log (or to
 * LOG_FILE, or to stderr when LOG_FILE is set empty), never between the answer lines. A real chat
 * process, its answers from a local OpenAI-compatible endpoint (test/faults/fake-openai-server.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewriteFailureNote } from "../../src/cli/chat-session.js";
import { startFakeOpenAI } from "../faults/fake-openai-server.js";

const ROOT = resolve(import.meta.dirname, "../..");
const temp = mkdtempSync(join(tmpdir(), "memory-chat-logs-"));
let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  fake = await startFakeOpenAI([{ text: "Nice to meet you." }]);
});
afterAll(async () => {
  await fake?.close();
  rmSync(temp, { recursive: true, force: true });
});

function chat(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["src/cli/chat.ts", "--user", "lin"], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        MEMORY_STORE: "sqlite",
        EMBEDDING_MODEL: "",
        CHAT_MODEL: "openai:fake",
        OPENAI_API_KEY: "test",
        OPENAI_BASE_URL: `${fake.url}/v1`,
        LOG_LEVEL: "info",
        LOG_FILE: undefined,
        ...env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(
      () => (child.kill("SIGKILL"), fail(new Error(`chat did not end; stdout:\n${stdout}\nstderr:\n${stderr}`))),
      120_000,
    );
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => (clearTimeout(timer), done({ code: code ?? -1, stdout, stderr })));
    child.stdin.end("I keep bees.\n/quit\n");
  });
}

const JSON_LOG_LINE = /^\{"level":"\w+","time":/m;

describe("terminal chat logs", { timeout: 240_000 }, () => {
  it("go to DATA_DIR/chat.log, not to the screen", async () => {
    const dataDir = join(temp, "default");
    const { code, stdout, stderr } = await chat(dataDir);
    expect(code).toBe(0);
    expect(stdout).toContain("assistant> Nice to meet you.");
    expect(stdout + stderr).not.toMatch(JSON_LOG_LINE);
    const log = readFileSync(join(dataDir, "chat.log"), "utf8");
    expect(log).toMatch(JSON_LOG_LINE);
  });

  it("go to stderr when LOG_FILE is set empty, and to the file LOG_FILE names", async () => {
    const toStderr = await chat(join(temp, "stderr"), { LOG_FILE: "" });
    expect(toStderr.stderr).toMatch(JSON_LOG_LINE);
    expect(toStderr.stdout).not.toMatch(JSON_LOG_LINE);
    expect(existsSync(join(temp, "stderr", "chat.log"))).toBe(false);

    const file = join(temp, "elsewhere", "my.log");
    const named = await chat(join(temp, "named"), { LOG_FILE: file });
    expect(named.stdout + named.stderr).not.toMatch(JSON_LOG_LINE);
    expect(readFileSync(file, "utf8")).toMatch(JSON_LOG_LINE);
  });
});

describe("a question that could not be rewritten", () => {
  it("is one readable line when the model failed or timed out, and nothing when a rewrite was only set aside", () => {
    expect(rewriteFailureNote("TimeoutError: The operation was aborted due to timeout")).toMatch(/took too long/);
    expect(rewriteFailureNote("Error: 500 scripted")).toMatch(/could not be rewritten/);
    expect(rewriteFailureNote("rewrite too long (300 characters, at most 200 for this question)")).toBeNull();
    expect(rewriteFailureNote("empty rewrite")).toBeNull();
    expect(rewriteFailureNote(null)).toBeNull();
  });
});
