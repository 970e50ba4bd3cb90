/**
 * The README's memory administration commands run exactly as it writes them: a shell runs
 * `npx memories ...` (the package's own bin) in a folder of the clone, on a real SQLite DATA_DIR.
 * The export is redirected into a file, which must be the JSON alone; the import restores it
 * into a fresh DATA_DIR. `history` shows a supersede chain both ways.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryEngine } from "../../src/memory/engine.js";
import { messageText } from "../../src/models/structured.js";
import { USE_LITE_DIMS } from "../../src/models/use-lite.js";
import { SqliteMemoryStore } from "../../src/stores/sqlite/memories.js";
import { runProcess, type ProcessResult } from "../helpers/run-process.js";
import { ScriptedChatModel } from "../helpers/scripted-model.js";

const ROOT = resolve(import.meta.dirname, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const temp = mkdtempSync(join(tmpdir(), "memory-chat-npx-"));
// Inside the clone (git-ignored), so npx finds the package's bin by walking up, as from any folder of a clone.
mkdirSync(join(ROOT, "test-results"), { recursive: true });
const workDir = mkdtempSync(join(ROOT, "test-results", "npx-memories-"));

/** The README line of the memory administration block that starts with `prefix`. */
function readmeCommand(prefix: string): string {
  const line = README.split("\n").find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`README.md has no line starting with "${prefix}"`);
  return line.replace(/\s+#.*$/, "");
}

/** Runs a command line through the shell, as a user pastes it, with DATA_DIR set. */
async function shell(command: string, dataDir: string): Promise<ProcessResult> {
  const result = await runProcess("bash", ["-c", command], { cwd: workDir, dataDir });
  // The CLI ended a close that did not end (src/app/close-within.ts): shown, to find out why.
  if (result.stderr.includes("still closing")) console.log(`${command}: ${result.stderr.trim()}`);
  return result;
}

/**
 * An engine on the SQLite file of `dataDir`, vectors of the default embedder's size. Its model
 * supersedes the stored "I live in ..." with a new one, so a chain can be made without a real model.
 */
function engineOn(dataDir: string): MemoryEngine {
  const model = new ScriptedChatModel((kind, messages) => {
    const prompt = messageText(messages.at(-1)!);
    if (kind === "extract") {
      const said = /<user>\n([\s\S]*?)\n<\/user>/.exec(prompt)?.[1] ?? "";
      return JSON.stringify({ facts: [{ text: said.trim(), category: "profile", about: "user", eventTime: null }] });
    }
    const stored = /^\[(\d+)\] I live in/m.exec(prompt)?.[1];
    return JSON.stringify({
      decisions: [
        stored === undefined
          ? { fact: "A", action: "ADD" }
          : { fact: "A", action: "SUPERSEDE", memory: Number(stored), text: /^\(A\) (.*)$/m.exec(prompt)![1] },
      ],
    });
  });
  return new MemoryEngine({
    store: new SqliteMemoryStore(join(dataDir, "memory.db")),
    embeddings: new SyntheticEmbeddings({ vectorSize: USE_LITE_DIMS }),
    dims: USE_LITE_DIMS,
    chatModel: model,
    halfLifeDays: 0,
  });
}

const source = join(temp, "source");
const target = join(temp, "target");
const ids: Record<string, string> = {};

describe("npx memories, as the README writes it", { timeout: 240_000 }, () => {
  beforeAll(async () => {
    const engine = engineOn(source);
    const seeded = await engine.add([], {
      userId: "alice",
      infer: false,
      time: "2025-03-01T10:00:00Z",
      facts: [
        { text: "I keep bees.", category: "skill" },
        { text: "我喜欢喝茶。", category: "preference" },
        { text: "I live in Lisbon." },
      ],
    });
    for (const c of seeded.changes) ids[c.text] = c.memoryId;
    for (const [time, text] of [
      ["2025-06-01T10:00:00Z", "I live in Porto."],
      ["2025-09-01T10:00:00Z", "I live in Berlin."],
    ]) {
      const { changes } = await engine.add(text, { userId: "alice", time });
      expect(changes).toMatchObject([{ operation: "SUPERSEDE", text }]);
      ids[text] = changes[0].memoryId;
    }
    await engine.close();
  });
  afterAll(() => {
    rmSync(temp, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it("export > alice.json writes the JSON alone, and import alice.json restores the memories into a fresh DATA_DIR", async () => {
    const exportLine = readmeCommand("npx memories export --user alice > ");
    const importLine = readmeCommand("npx memories import ");
    const file = join(workDir, exportLine.split("> ")[1].trim());

    const exported = await shell(exportLine, source);
    expect(exported.code, exported.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc.userId).toBe("alice");
    // Two superseded versions travel with the three current facts.
    expect(doc.memories).toHaveLength(5);

    const imported = await shell(importLine, target);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe("imported 3 memories for alice, 2 superseded kept as history\n");

    const restored = engineOn(target);
    try {
      const now = await restored.list({ userId: "alice" });
      expect(now.map((m) => m.text).sort()).toEqual(["I keep bees.", "I live in Berlin.", "我喜欢喝茶。"].sort());
      expect(now.find((m) => m.text === "I keep bees.")).toMatchObject({
        category: "skill",
        createdAt: "2025-03-01T10:00:00.000Z",
      });
      const berlin = now.find((m) => m.text === "I live in Berlin.")!;
      const history = await restored.history(berlin.id, { userId: "alice" });
      expect(history.map((h) => h.operation).sort()).toEqual(["ADD", "ADD", "ADD", "SUPERSEDE", "SUPERSEDE"]);
    } finally {
      await restored.close();
    }
  });

  it("history shows what a memory replaced and what replaced it, as text and as JSON", async () => {
    const porto = ids["I live in Porto."];
    const text = await shell(`npx memories history ${porto} --user alice`, source);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split("\n");
    const start = lines.indexOf("versions of this fact, oldest first (* this one):");
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 4)).toEqual([
      `  2025-03-01 10:00 → 2025-06-01 10:00  ${ids["I live in Lisbon."]}  "I live in Lisbon."`,
      `* 2025-06-01 10:00 → 2025-09-01 10:00  ${porto}  "I live in Porto."`,
      `  2025-09-01 10:00 → now               ${ids["I live in Berlin."]}  "I live in Berlin."`,
    ]);

    const json = JSON.parse((await shell(`npx memories history ${porto} --user alice --json`, source)).stdout);
    expect(json.history.map((h: { operation: string }) => h.operation)).toEqual(["ADD", "SUPERSEDE"]);
    expect(json.replaced.map((m: { id: string; validTo: string }) => [m.id, m.validTo])).toEqual([
      [ids["I live in Lisbon."], "2025-06-01T10:00:00.000Z"],
    ]);
    expect(json.replacedBy.map((m: { id: string; validTo: string | null }) => [m.id, m.validTo])).toEqual([
      [ids["I live in Berlin."], null],
    ]);
  });
});
