/**
 * The real terminal chat (`npm start`, src/cli/chat.ts) driven through a pseudo-terminal, as a
 * person would: typed lines (Chinese included), backspace over a wide character, slash commands,
 * errors that leave the chat running, and a clean exit. The model is a local OpenAI-shaped HTTP
 * endpoint answering by script (test/faults/scripted-openai-server.ts). The pseudo-terminal comes
 * from util-linux `script`; without it the test is skipped and says so.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productEnv, startScriptedOpenAI, type ScriptedServer } from "../faults/scripted-openai-server.js";

const root = resolve(import.meta.dirname, "../..");
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
if (!hasScript) console.log("skipped: pseudo-terminal chat test: no `script` command (util-linux); install it (apt-get install bsdutils) to run it");

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[>=]|\r/g;

describe.skipIf(!hasScript)("terminal chat in a pseudo-terminal", () => {
  let endpoint: ScriptedServer;
  let dataDir: string;
  let chat: ChildProcess;
  let screen = "";
  let exitCode: number | null = null;
  let resolveExit!: () => void;
  const exited = new Promise<void>((r) => (resolveExit = r));

  /** Waits until the screen (ANSI stripped) after `from` contains `text`. */
  async function waitFor(text: string | RegExp, from: number, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = screen.slice(from).replace(ANSI, "");
      if (typeof text === "string" ? seen.includes(text) : text.test(seen)) return seen;
      if (Date.now() > deadline || exitCode !== null) throw new Error(`did not see ${String(text)}; the screen shows:\n${seen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  /** Types a line (keys as bytes, then Enter) and returns the screen from then on once `until` shows. */
  async function type(keys: string, until: string | RegExp = "you> "): Promise<string> {
    const from = screen.length;
    chat.stdin!.write(keys + "\r");
    return waitFor(until, from);
  }

  beforeAll(async () => {
    endpoint = await startScriptedOpenAI();
    dataDir = mkdtempSync(join(tmpdir(), "memory-chat-pty-"));
    const command = `${join(root, "node_modules/.bin/tsx")} src/cli/chat.ts --user 小明`;
    chat = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: root,
      env: productEnv(endpoint, dataDir, { MAX_MESSAGE_CHARS: "50", TERM: "xterm", LANG: "C.UTF-8" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    chat.stdout!.setEncoding("utf8");
    chat.stdout!.on("data", (d: string) => (screen += d));
    chat.stderr!.on("data", (d) => (screen += d));
    chat.on("exit", (code) => {
      exitCode = code ?? -1;
      resolveExit();
    });
    await waitFor("you> ", 0, 120_000);
  }, 150_000);

  afterAll(async () => {
    if (exitCode === null) chat.kill("SIGKILL");
    await endpoint?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers a Chinese message and says what it remembered", async () => {
    const out = await type("我住在上海，喜欢喝乌龙茶。", /memory: .*\n[\s\S]*you> /);
    expect(out).toContain("assistant> ");
    expect(out).toContain('memory: remembered "我住在上海，喜欢喝乌龙茶。"');
    expect(endpoint.questions.at(-1)).toBe("我住在上海，喜欢喝乌龙茶。");
  });

  it("sends what the line shows after backspace over a wide character", async () => {
    // Two backspaces take back "X" and the wide "好"; then "好吗" is typed again.
    await type("你好X\x7f\x7f好吗", /memory: .*\n[\s\S]*you> /);
    expect(endpoint.questions.at(-1)).toBe("你好吗");
  });

  it("lists and searches memories, in Chinese", async () => {
    expect(await type("/memories")).toContain("我住在上海，喜欢喝乌龙茶。");
    expect(await type("/search 上海")).toContain("我住在上海，喜欢喝乌龙茶。");
  });

  it("keeps running after an empty line, an over-long message and an unknown command", async () => {
    await type("");
    expect(await type("x".repeat(60))).toContain("error: The message has 60 characters; the limit is 50");
    expect(await type("/nonsense")).toContain("unknown command /nonsense");
    expect(exitCode).toBeNull();
  });

  it("starts a new thread, lists threads, forgets the user, and exits with 0", async () => {
    expect(await type("/help")).toContain("/forget-me");
    expect(await type("/new")).toMatch(/new thread [0-9a-f-]{36}/);
    await type("Hello on the new thread.", /memory: .*\n[\s\S]*you> /);
    const threads = await type("/threads");
    expect(threads.match(/[0-9a-f-]{36}/g)).toHaveLength(2);
    expect(await type("/forget-me")).toMatch(/erased 1 memories/);
    expect(await type("/memories")).toContain("I remember nothing about you yet.");
    chat.stdin!.write("/quit\r");
    await exited;
    expect(exitCode).toBe(0);
  });
});
