/**
 * The real terminal chat (`npm start`, src/cli/chat.ts) driven as a person would: in a
 * pseudo-terminal (typed lines, Chinese included, a character arriving in two reads, backspace and
 * cursor moves over wide characters, slash commands, errors that leave the chat running, /exit and
 * Ctrl-D, /forget-me asking before it erases), and with its stdin piped. The model is a local
 * OpenAI-shaped HTTP endpoint answering by script (test/faults/scripted-openai-server.ts), which
 * records what the chat sent it. Without a
 * way to make a pseudo-terminal (util-linux `script` or python3) those tests skip and say so.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productEnv, startScriptedOpenAI, type ScriptedServer } from "../faults/scripted-openai-server.js";
import { PtyProgram, ptyLauncher, shellWord, stripAnsi } from "./pty-terminal.js";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const launcher = ptyLauncher();
if ("missing" in launcher) console.log(`skipped: terminal chat in a pseudo-terminal: ${launcher.missing}`);
const canPty = !("missing" in launcher);

const PROMPT = "you> ";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** A turn is over when its memory line is complete and a prompt follows its answer (in either order). */
const turnOver = (t: string) => /\n *memory: [^\n]*\n/.test(t) && t.lastIndexOf(PROMPT) > t.indexOf("assistant> ");

let endpoint: ScriptedServer;
const dirs: string[] = [];
beforeAll(async () => {
  endpoint = await startScriptedOpenAI();
});
afterAll(async () => {
  await endpoint?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "memory-chat-pty-"));
  dirs.push(dir);
  return dir;
}

/** The chat for `user` in a pseudo-terminal, once its first prompt shows. */
async function startChat(user: string, extraEnv: Record<string, string> = {}): Promise<PtyProgram> {
  if ("missing" in launcher) throw new Error(launcher.missing);
  const chat = new PtyProgram(launcher, `${shellWord(tsx)} src/cli/chat.ts --user ${shellWord(user)}`, {
    cwd: root,
    env: productEnv(endpoint, dataDir(), { TERM: "xterm", LANG: "C.UTF-8", ...extraEnv }),
  });
  await chat.waitFor(PROMPT, 0, 120_000);
  return chat;
}

describe.skipIf(!canPty)("terminal chat in a pseudo-terminal", () => {
  let chat: PtyProgram;
  beforeAll(async () => {
    chat = await startChat("小明", { MAX_MESSAGE_CHARS: "50" });
  }, 150_000);
  afterAll(() => chat?.kill());

  /** Types a line and Enter; returns the screen from then on, once `until` shows. */
  async function type(line: string, until: string | RegExp | ((t: string) => boolean) = PROMPT): Promise<string> {
    const from = chat.mark();
    chat.press(line + "\r");
    return chat.waitFor(until, from);
  }

  it("greets the user by a Chinese name", () => {
    expect(chat.text()).toMatch(/memory chat: user 小明, thread [0-9a-f-]{36}\./);
  });

  it("sends a Chinese message intact, streams the Chinese answer intact, and says what it remembered", async () => {
    const question = "我住在上海，喜欢喝乌龙茶。";
    const reply = "好的，你住在上海，喜欢乌龙茶。我记住了！";
    endpoint.replies.push(reply);
    const from = chat.mark();
    const readsBefore = chat.reads.length;
    const out = await type(question, turnOver);
    expect(endpoint.questions.at(-1)).toBe(question);
    expect(out).toContain(`assistant> ${reply}\n`);
    expect(chat.raw.slice(from)).not.toContain("\ufffd");
    // Streamed: the answer reached the terminal in several reads, not as one block at the end.
    const answerOnly = [...reply].filter((c) => !question.includes(c));
    const readsWithAnswer = chat.reads.slice(readsBefore).filter((r) => answerOnly.some((c) => r.includes(c)));
    expect(readsWithAnswer.length).toBeGreaterThan(1);
    expect(out).toContain('memory: remembered "我住在上海，喜欢喝乌龙茶。"');
  });

  it("takes a character whose bytes arrive in two reads", async () => {
    const bytes = Buffer.from("我的猫叫小白。\r");
    const from = chat.mark();
    chat.press(bytes.subarray(0, 2)); // inside "我" (three bytes in UTF-8)
    // A slow link between the two halves; nothing on the screen to wait for until the rest arrives.
    await new Promise((r) => setTimeout(r, 50));
    chat.press(bytes.subarray(2));
    await chat.waitFor(turnOver, from);
    expect(endpoint.questions.at(-1)).toBe("我的猫叫小白。");
    expect(chat.text(from)).not.toContain("\ufffd");
  });

  it("draws and sends what backspace over a wide character leaves", async () => {
    // Prompt "you> " is 5 columns; each Chinese character is 2.
    chat.press("你好X");
    await chat.waitForLine("you> 你好X", 10);
    chat.press("\x7f");
    await chat.waitForLine("you> 你好", 9);
    chat.press("吗");
    await chat.waitForLine("you> 你好吗", 11);
    const from = chat.mark();
    chat.press("\r");
    await chat.waitFor(turnOver, from);
    expect(endpoint.questions.at(-1)).toBe("你好吗");

    // Back over a wide character takes two columns, and typing there again draws it again. Some
    // terminals send Ctrl-H for backspace instead of DEL: both work.
    chat.press("你好X\x7f\x08");
    await chat.waitForLine("you> 你", 7);
    chat.press("们好");
    await chat.waitForLine("you> 你们好", 11);
    const again = chat.mark();
    chat.press("\r");
    await chat.waitFor(turnOver, again);
    expect(endpoint.questions.at(-1)).toBe("你们好");
  });

  it("inserts in the middle of Chinese text after moving the cursor left over a wide character", async () => {
    chat.press("喜欢茶");
    await chat.waitForLine("you> 喜欢茶", 11);
    chat.press("\x1b[D"); // Left arrow
    await chat.waitForLine("you> 喜欢茶", 9);
    chat.press("喝");
    await chat.waitForLine("you> 喜欢喝茶", 11);
    const from = chat.mark();
    chat.press("\r");
    await chat.waitFor(turnOver, from);
    expect(endpoint.questions.at(-1)).toBe("喜欢喝茶");
  });

  it("lists and searches the memories, in Chinese", async () => {
    const help = await type("/help");
    for (const command of ["/memories", "/search", "/forget-me", "/new", "/threads", "/quit"])
      expect(help).toContain(command);
    const memories = await type("/memories");
    expect(memories).toContain("我住在上海，喜欢喝乌龙茶。");
    expect(memories).toContain("我的猫叫小白。");
    const hits = await type("/search 上海");
    expect(hits).toContain("我住在上海，喜欢喝乌龙茶。");
    expect(await type("/search")).toContain("usage: /search <text>");
  });

  it("keeps running after an empty line, over-long messages and an unknown command", async () => {
    const asked = endpoint.questions.length;
    const empty = await type("   ");
    expect(empty.trim()).toBe(PROMPT.trim());
    expect(endpoint.questions.length).toBe(asked);
    expect(await type("x".repeat(60))).toContain(
      "error: The message has 60 characters; the limit is 50 (MAX_MESSAGE_CHARS)",
    );
    // Characters are counted, not bytes: 51 Chinese characters are 153 bytes.
    expect(await type("长".repeat(51))).toContain("error: The message has 51 characters; the limit is 50");
    expect(await type("/nonsense")).toContain("unknown command /nonsense; /help lists the commands");
    expect(endpoint.questions.length).toBe(asked);
    expect(chat.exitCode).toBeNull();
    await type("我还在。", turnOver);
    expect(endpoint.questions.at(-1)).toBe("我还在。");
  });

  it("starts a new thread, lists both threads, forgets the user, and exits with 0 on /exit", async () => {
    const first = chat.text().match(UUID)![0];
    const fresh = (await type("/new")).match(/new thread ([0-9a-f-]{36})/)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(first);
    await type("Hello on the new thread.", turnOver);
    const threads = await type("/threads");
    expect(threads).toContain(`  ${first}`);
    expect(threads).toContain(`* ${fresh}`);
    // /forget-me asks, under its own prompt; only the user id typed there erases.
    const asked = await type("/forget-me", "confirm> ");
    expect(asked).toMatch(/This erases all \d+ memories of user 小明/);
    expect(asked).toContain("Type 小明 to confirm; anything else cancels.");
    expect(await type("y")).toContain("cancelled: nothing erased");
    expect(await type("/memories")).toContain("我住在上海，喜欢喝乌龙茶。");
    await type("/forget-me", "confirm> ");
    const erased = Number((await type("小明")).match(/erased (\d+) memories/)?.[1]);
    expect(erased).toBeGreaterThanOrEqual(3);
    expect(await type("/memories")).toContain("I remember nothing about you yet.");
    chat.press("/exit\r");
    expect(await chat.exited).toBe(0);
  });
});

describe.skipIf(!canPty)("terminal chat: Ctrl-D", () => {
  it("keeps a half-typed line, then leaves with 0 on an empty one", async () => {
    const chat = await startChat("dana");
    try {
      chat.press("abc");
      await chat.waitForLine("you> abc", 8);
      chat.press("\x04"); // Ctrl-D on a line with text does not leave
      chat.press("\x15"); // Ctrl-U clears the line
      await chat.waitForLine("you>", 5);
      expect(chat.exitCode).toBeNull();
      chat.press("\x04");
      expect(await chat.exited).toBe(0);
    } finally {
      chat.kill();
    }
  }, 150_000);
});

describe("terminal chat with its stdin piped", () => {
  it("answers every line, Chinese included, and exits with 0 at the end of input", async () => {
    const child = spawn(tsx, ["src/cli/chat.ts", "--user", "pipe-user"], {
      cwd: root,
      env: productEnv(endpoint, dataDir(), { LANG: "C.UTF-8" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    endpoint.replies.push("北京很好。");
    // /forget-me, then the user id on the next line: piped input never confirms an erase.
    const input = Buffer.from("我住在北京。\n\n/forget-me\npipe-user\n/memories\n");
    // Every line at once, one character cut across two writes; then the end of input, no /exit.
    child.stdin.write(input.subarray(0, 1));
    child.stdin.end(input.subarray(1));
    expect(await exited).toBe(0);
    const text = stripAnsi(out);
    expect(endpoint.questions).toContain("我住在北京。");
    expect(text).toContain("assistant> 北京很好。\n");
    expect(text).toContain('memory: remembered "我住在北京。"');
    // /memories ran after the turn, so it lists what the turn stored.
    expect(text.slice(text.indexOf("memory: remembered"))).toMatch(/\n[^\n]*我住在北京。/);
    expect(text).not.toContain("\ufffd");
    expect(text).toContain(
      "/forget-me is confirmed by typing in a terminal, and this input is not one: nothing erased.",
    );
    expect(text).not.toMatch(/erased \d+ memories/);
  }, 150_000);
});
