/**
 * `npm install` on a fresh clone leaves the tracked files as they are and warns of nothing: every
 * installed package with an install script is marked so in package-lock.json (npm adds
 * `hasInstallScript` otherwise, changing the file) and reviewed in package.json's `allowScripts`
 * (npm 11 warns of each one that is not). Checked against what is installed.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8"));

/** Whether npm counts the installed package at `dir` as having an install script. */
function hasInstallScript(dir: string): boolean {
  const pkg = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));
  const scripts = pkg.scripts ?? {};
  if (scripts.preinstall || scripts.install || scripts.postinstall) return true;
  // npm runs `node-gyp rebuild` for a package with a binding.gyp and no install script of its own.
  return existsSync(join(ROOT, dir, "binding.gyp"));
}

describe("a fresh install", () => {
  const lock = read("package-lock.json") as { packages: Record<string, { hasInstallScript?: boolean }> };
  const allowScripts = (read("package.json") as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
  const installed = Object.keys(lock.packages).filter((dir) => dir && existsSync(join(ROOT, dir, "package.json")));
  const withScripts = installed.filter(hasInstallScript);

  it("finds the installed packages (a broken walk would pass everything)", () => {
    expect(installed.length).toBeGreaterThan(100);
    expect(withScripts).toContain("node_modules/better-sqlite3");
  });

  it("marks every package with an install script in the lock file, as npm would write it", () => {
    expect(withScripts.filter((dir) => lock.packages[dir].hasInstallScript !== true)).toEqual([]);
  });

  it("has reviewed every install script in package.json's allowScripts", () => {
    const names = withScripts.map((dir) => dir.slice(dir.lastIndexOf("node_modules/") + "node_modules/".length));
    expect(names.filter((name) => allowScripts[name] === undefined)).toEqual([]);
  });
});
