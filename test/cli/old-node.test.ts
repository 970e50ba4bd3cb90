/**
 * On a machine whose Node is older than 22 (Debian and Ubuntu LTS still ship 18 and 20), the
 * commands of the README bring Node 24 themselves (scripts/with-node.sh, used by npm start, test,
 * quickstart) or stop at once with the one line to run (npx memories, npx memory-chat). The old
 * Node first on PATH is the machine's own when it is older than 22, else a stand-in.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const temp = mkdtempSync(join(tmpdir(), "memory-chat-old-node-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A folder whose `node` is older than 22: /usr/bin/node when it is, else a stand-in that says it is 20. */
function oldNodeFolder(): { dir: string; real: boolean } {
  const system = spawnSync("/usr/bin/node", ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" });
  if (system.status === 0 && Number(system.stdout.trim()) < 22) {
    const dir = join(temp, "system-node");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "node"), '#!/bin/sh\nexec /usr/bin/node "$@"\n');
    chmodSync(join(dir, "node"), 0o755);
    return { dir, real: true };
  }
  const dir = join(temp, "stand-in");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "node"), '#!/bin/sh\nif [ "$1" = "-p" ]; then echo 20; exit 0; fi\necho "v20.0.0"\n');
  chmodSync(join(dir, "node"), 0o755);
  return { dir, real: false };
}

describe("a machine with an older Node first on PATH", { timeout: 300_000 }, () => {
  const old = oldNodeFolder();
  const env = { ...process.env, PATH: `${old.dir}:${process.env.PATH}` };

  it(`scripts/with-node.sh runs the command under Node >= 22 (old Node: ${old.real ? "the machine's" : "a stand-in"})`, () => {
    expect(spawnSync("node", ["--version"], { env, encoding: "utf8" }).stdout).toMatch(/^v(1\d|20|21)\./);
    const run = spawnSync("bash", ["scripts/with-node.sh", "node", "-p", "process.versions.node"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(Number(run.stdout.trim().split(".")[0])).toBeGreaterThanOrEqual(22);
  });

  it("package.json's start, test and quickstart go through it", async () => {
    const pkg = (await import("../../package.json", { with: { type: "json" } })).default as {
      scripts: Record<string, string>;
    };
    for (const name of ["start", "test", "typecheck", "dev", "memories"])
      expect(pkg.scripts[name]).toMatch(/^bash scripts\/with-node\.sh /);
    expect(
      spawnSync("grep", ["-c", "scripts/node-runtime.sh", "scripts/quickstart.sh"], {
        cwd: ROOT,
        encoding: "utf8",
      }).stdout.trim(),
    ).not.toBe("0");
  });

  it.skipIf(!old.real)("npx memories under the machine's old Node stops at once with the line to run", () => {
    const run = spawnSync(join(old.dir, "node"), ["bin/memories.js", "list", "--user", "a"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/needs Node\.js 22 or newer; this is v\d+.*scripts\/node-runtime\.sh/);
  });
});
