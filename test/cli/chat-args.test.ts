import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runProcess } from "../helpers/run-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(join(tmpdir(), "memory-chat-args-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("terminal chat: a bad --user is refused at start", () => {
  it.each([
    ["an empty id", ""],
    ["a 300-character id", "x".repeat(300)],
  ])("%s: says what a user id may be and exits 2 before loading a model", async (_what, user) => {
    const result = await runProcess(join(ROOT, "node_modules/.bin/tsx"), ["src/cli/chat.ts", "--user", user], {
      cwd: ROOT,
      dataDir,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^--user: .*A user id is 1 to 256 characters/m);
    expect(result.stderr).not.toMatch(/loading/);
  });
});
