/**
 * `npm run dev` as the README writes it: on a taken port it exits non-zero at once with one line
 * naming the port and --port; on a free one it starts the LangGraph dev server with the arguments
 * given after `--`.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../src/util/free-port.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** `npm run dev -- ...args` in its own process group (so the server it starts can be stopped with it). */
function npmRunDev(args: string[], env: Record<string, string> = {}) {
  const child = spawn("npm", ["run", "dev", "--", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, exited, output: () => ({ stdout, stderr }), stop: () => process.kill(-child.pid!, "SIGTERM") };
}

/** Lines that are not npm's own (its script banner, and warnings about the user's npm config). */
function ownLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() && !l.startsWith(">") && !l.startsWith("npm warn"));
}

function hold(port: number, host: string): Promise<Server> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(port, host, () => done(server));
  });
}

describe("npm run dev", () => {
  it("on a taken port exits 1 within seconds, with one line naming the port and --port", async () => {
    const port = await freeLoopbackPort();
    const taken = await hold(port, "localhost");
    try {
      const started = Date.now();
      const dev = npmRunDev(["--port", String(port)]);
      const code = await Promise.race([
        dev.exited,
        new Promise<"still running">((r) => setTimeout(() => r("still running"), 30_000)),
      ]);
      if (code === "still running") dev.stop();
      expect(code).toBe(1);
      // npm and tsx start in about 2 s here; the LangGraph CLI never got as far as starting.
      expect(Date.now() - started).toBeLessThan(30_000);
      const { stdout, stderr } = dev.output();
      expect(ownLines(stdout)).toEqual([]);
      expect(ownLines(stderr)).toEqual([
        `port ${port} is taken on localhost: stop what uses it, or start on another port with npm run dev -- --port <N>`,
      ]);
    } finally {
      taken.close();
    }
  }, 60_000);

  it("rejects a --port that is not a port number with exit code 2", async () => {
    const dev = npmRunDev(["--port", "twenty"]);
    expect(await dev.exited).toBe(2);
    expect(ownLines(dev.output().stderr)).toEqual(['--port must be a port number (0-65535), got "twenty"']);
  }, 60_000);

  it("on a free port starts the dev server with the arguments given after --", async () => {
    const port = await freeLoopbackPort();
    const dataDir = mkdtempSync(join(tmpdir(), "memory-chat-dev-"));
    const dev = npmRunDev(["--port", String(port), "--host", "127.0.0.1", "--no-reload"], {
      DATA_DIR: dataDir,
      MEMORY_STORE: "sqlite",
      LANGSMITH_TRACING: "false",
    });
    try {
      const deadline = Date.now() + 150_000;
      let status: number | undefined;
      while (Date.now() < deadline && status === undefined) {
        status = await fetch(`http://127.0.0.1:${port}/info`).then(
          (r) => r.status,
          () => undefined,
        );
        if (status === undefined) await new Promise((r) => setTimeout(r, 500));
      }
      expect(status, dev.output().stderr).toBe(200);
    } finally {
      dev.stop();
      await dev.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
