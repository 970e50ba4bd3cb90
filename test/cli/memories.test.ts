import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import { runProcess, type ProcessResult } from "../helpers/run-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(join(tmpdir(), "memory-chat-cli-"));

/**
 * Runs the memories CLI (src/cli/memories.ts, what `npx memories` starts) as operators do: a child process on the
 * embedded defaults.
 */
function memories(...args: string[]): Promise<ProcessResult> {
  return runProcess(join(ROOT, "node_modules/.bin/tsx"), ["src/cli/memories.ts", ...args], { cwd: ROOT, dataDir });
}

const exportFile = join(dataDir, "wen.json");
writeFileSync(
  exportFile,
  JSON.stringify({
    userId: "someone-else",
    exportedAt: "2025-04-01T00:00:00.000Z",
    memories: [
      {
        id: "a",
        userId: "someone-else",
        text: "I keep bees.",
        category: "skill",
        createdAt: "2025-03-01T10:00:00.000Z",
        history: [],
      },
      { id: "b", text: "I live in Lisbon.", category: "profile", createdAt: "2025-03-01T10:00:00.000Z" },
      { id: "c", text: "我喜欢喝茶。", category: "preference", createdAt: "2025-03-05T08:00:00.000Z" },
    ],
  }),
);

describe("memories CLI (a child process on SQLite and the default local embeddings)", { timeout: 600_000 }, () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("imports an export file, then lists, searches, shows and tells history, as text and as JSON", async () => {
    const imported = await memories("import", exportFile, "--user", "wen");
    expect(imported.stderr).toBe("");
    expect(imported).toMatchObject({ code: 0, stdout: "imported 3 memories for wen\n" });

    const list = await memories("list", "--user", "wen");
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("I keep bees.");
    expect(list.stdout).toContain("我喜欢喝茶。");
    expect(list.stdout).toMatch(/2025-03-01 {2}skill {8}I keep bees\./);
    expect(list.stdout).toMatch(/3 memories\n$/);

    const json = JSON.parse((await memories("list", "--user", "wen", "--json")).stdout);
    expect(json.userId).toBe("wen");
    expect(json.memories).toHaveLength(3);
    expect(json.memories.every((m: { userId: string }) => m.userId === "wen")).toBe(true);
    const bees = json.memories.find((m: { text: string }) => m.text === "I keep bees.");

    const search = JSON.parse(
      (await memories("search", "keep", "bees", "--user", "wen", "--limit", "1", "--json")).stdout,
    );
    expect(search.results.map((r: { memory: { text: string } }) => r.memory.text)).toEqual(["I keep bees."]);

    const show = await memories("show", bees.id, "--user", "wen");
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^text +I keep bees\.$/m);

    const history = JSON.parse((await memories("history", bees.id, "--user", "wen", "--json")).stdout);
    expect(history.history.map((h: { operation: string }) => h.operation)).toEqual(["ADD"]);
  });

  it("exits 3 for an unknown id, and 0 then 3 when deleting one memory twice", async () => {
    const unknown = await memories("show", "no-such-id", "--user", "wen");
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/No memory with id no-such-id/);
    const other = JSON.parse((await memories("list", "--user", "wen", "--json")).stdout).memories[0];
    expect((await memories("show", other.id, "--user", "not-wen")).code).toBe(3);

    expect(await memories("delete", other.id, "--user", "wen")).toMatchObject({
      code: 0,
      stdout: `deleted ${other.id}\n`,
    });
    expect((await memories("delete", other.id, "--user", "wen")).code).toBe(3);
  });

  it("exports to a file, forgets the user only with --yes, and imports the file back", async () => {
    const out = join(dataDir, "wen-backup.json");
    const exported = await memories("export", "--user", "wen", "--out", out);
    expect(exported).toMatchObject({ code: 0, stdout: `exported 2 memories of wen to ${out}\n` });
    expect(JSON.parse(readFileSync(out, "utf8")).memories).toHaveLength(2);

    const unconfirmed = await memories("forget-user", "--user", "wen");
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    const forgot = JSON.parse((await memories("forget-user", "--user", "wen", "--yes", "--json")).stdout);
    expect(forgot).toMatchObject({ userId: "wen", memories: 2 });
    expect((await memories("list", "--user", "wen")).stdout).toBe("no memories for wen\n");

    const back = JSON.parse((await memories("import", out, "--user", "wen", "--json")).stdout);
    expect(back).toMatchObject({ imported: 2, alreadyPresent: 0 });
  });

  it("exits 2 with a message on usage errors", async () => {
    const cases: [string[], RegExp][] = [
      [[], /^usage: memories <command>/],
      [
        ["list", "--user", "wen", "--bogus"],
        /^unknown option --bogus\nmemories list takes --limit N, --offset N, --all, --user ID, --json/,
      ],
      [["list", "--user"], /^--user needs a value/],
      [["list", "--user", "--json"], /^--user needs a value/],
      [["export", "--user", "wen", "--json=yes"], /^--json is a flag and takes no value/],
      [["list", "extra", "--user", "wen"], /^unexpected argument extra/],
      [["list"], /--user ID is required/],
      [["frobnicate", "--user", "wen"], /unknown command "frobnicate"/],
      [["constructor", "--user", "wen"], /unknown command "constructor"/],
      [["show", "--user", "wen"], /show needs a memory id/],
      [["list", "--user", "wen", "--limit", "many"], /--limit must be a whole number/],
      [["import", exportFile.replace(".json", ".missing"), "--user", "wen"], /cannot read/],
      [["import", join(ROOT, "package.json"), "--user", "wen"], /is not an export file/],
    ];
    for (const [args, message] of cases) {
      const result = await memories(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
    }
  });

  it("answers --help with the commands, and each command's --help with its options, on stdout", async () => {
    const top = await memories("--help");
    expect(top).toMatchObject({ code: 0, stderr: "" });
    for (const name of ["list", "search <text>", "history <id>", "export", "import <FILE|->", "queue", "reembed"])
      expect(top.stdout).toContain(`  ${name}`);
    const list = await memories("list", "--help");
    expect(list).toMatchObject({ code: 0, stderr: "" });
    expect(list.stdout).toMatch(/^usage: memories list \[options\]/);
    for (const option of ["--limit N", "--offset N", "--all", "--user ID", "--json", "--help"])
      expect(list.stdout).toContain(`  ${option}`);
    expect((await memories("queue", "-h")).stdout).toContain("--state S");
  });

  it("queue: lists jobs (all users, or one, by state), retries dead ones, drops one; says what is wrong", async () => {
    const queue = new SqliteJobQueue(join(dataDir, "queue.db"));
    // The earlier commands changed memories, which queued profile refreshes: this test starts from an empty queue.
    for (const job of await queue.list()) await queue.drop(job.id);
    const turn = (content: string) => ({ input: [{ role: "user" as const, content }], options: {} });
    const a = await queue.enqueue("qa", turn("I keep bees."));
    const b = await queue.enqueue("qb", turn("I sail."));
    await queue.claim("gone", 60_000);
    await queue.bury(a.id, "gone", "400 the model does not exist");
    await queue.close();

    const all = await memories("queue", "--json");
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout).jobs.map((j: { id: string; state: string }) => [j.id, j.state])).toEqual([
      [a.id, "dead"],
      [b.id, "queued"],
    ]);
    const dead = await memories("queue", "list", "--user", "qa", "--state", "dead");
    expect(dead.stdout).toContain(a.id);
    expect(dead.stdout).toMatch(/dead +tries 1 .*400 the model does not exist/);
    expect((await memories("queue", "list", "--user", "qb", "--state", "dead")).stdout).toContain(
      "no memory update jobs of qb in state dead",
    );
    // Another user's job is not found for this user.
    expect((await memories("queue", "retry", a.id, "--user", "qb")).code).toBe(3);
    const retried = await memories("queue", "retry", a.id, "--user", "qa", "--json");
    expect(JSON.parse(retried.stdout)).toEqual({ retried: [a.id] });
    expect((await memories("queue", "drop", b.id, "--user", "qb")).stdout).toContain(`dropped ${b.id}`);
    const left = JSON.parse((await memories("queue", "--json")).stdout).jobs;
    expect(left).toMatchObject([{ id: a.id, state: "queued", attempts: 0 }]);
    const bad = await memories("queue", "list", "--state", "stuck");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--state must be one of queued, running, done, dead/);
    expect((await memories("queue", "retry")).stderr).toMatch(/retry needs a job id, or --all/);
  });
});
