import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freeLoopbackPort } from "../../src/util/free-port.js";
import { isolatedMemoryStore } from "../helpers/memory-store-env.js";

/** A free TCP port on 127.0.0.1 (2024 is often taken on shared machines). */
export const freePort = freeLoopbackPort;

export interface DevServer {
  url: string;
  dataDir: string;
  /** Where its long-term memory lives (unless the caller's env chose otherwise). */
  memoryStore: "qdrant" | "sqlite";
  /** The id of its process group (the CLI and every process it starts). */
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
  /** SIGKILL to the whole process group, as a machine that loses power; resolves once the CLI has exited. */
  kill: () => Promise<void>;
}

/**
 * Starts `langgraph dev` (the real CLI, a real process and port) with a config and environment.
 * Its long-term memory is its own: a fresh DATA_DIR, and fresh collections when QDRANT_URL is set.
 */
export async function startDevServer(
  config: string,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<DevServer> {
  const port = await freePort();
  const memory = isolatedMemoryStore("e2e");
  const root = resolve(import.meta.dirname, "../..");
  const dataDir = mkdtempSync(join(tmpdir(), "memory-chat-e2e-"));
  let log = "";
  const child: ChildProcess = spawn(
    join(root, "node_modules/.bin/langgraphjs"),
    [
      "dev",
      "--no-browser",
      "--no-reload",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--config",
      resolve(root, config),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        LANGGRAPH_CLI_NO_ANALYTICS: "1",
        LANGSMITH_TRACING: "false",
        DATA_DIR: dataDir,
        ...memory.env,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    rmSync(dataDir, { recursive: true, force: true });
    await memory.drop();
  };
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const kill = async () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      // /info answers without credentials even when auth is on.
      const res = await fetch(`${url}/info`);
      if (res.ok) return { url, dataDir, memoryStore: memory.store, pid: child.pid!, output: () => log, stop, kill };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`langgraph dev did not start on ${url} within ${timeoutMs} ms. Its output:\n${log}`);
}

/** JSON over HTTP with a readable failure. */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T };
}

/** Reads an SSE stream into its events, each with the time it arrived (ms since the request). */
export async function streamRun(
  server: DevServer,
  threadId: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const started = Date.now();
  const res = await fetch(`${server.url}/threads/${threadId}/runs/stream`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const events: { event?: string; data?: string; at: number }[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      if (event) events.push({ event, data: /^data: (.*)$/m.exec(block)?.[1], at: Date.now() - started });
    }
  }
  return { events, endedAt: Date.now() - started };
}
