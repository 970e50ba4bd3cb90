/**
 * A private Qdrant server for tests that must stop and restart it: started from the binary named
 * by QDRANT_BIN, on free ports of 127.0.0.1, with its storage in a temporary folder that survives
 * restarts (same storage, same ports). Never touches a Qdrant the developer runs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../e2e/dev-server.js";

export interface QdrantProcess {
  url: string;
  /** Starts the server (again, on the same storage and ports) and waits until it answers. */
  start: () => Promise<void>;
  /** SIGTERM (a clean shutdown, escalated to SIGKILL after 30 s) or SIGKILL; waits for the exit. */
  stop: (signal: "SIGTERM" | "SIGKILL") => Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the running server: its ports stay open but it answers nothing. */
  freeze: () => void;
  thaw: () => void;
  /** Whether the server answers its root URL within a second. */
  answers: () => Promise<boolean>;
  /** The server's output so far (for failure messages). */
  output: () => string;
  /** Kills the server and deletes its storage. */
  dispose: () => Promise<void>;
}

/** `n` different free ports (two calls in a row may hand out the same one). */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

export interface QdrantProcessOptions {
  /** HTTP and gRPC ports (free ones when unset). */
  ports?: { http: number; grpc: number };
  /** More configuration (e.g. QDRANT__CLUSTER__ENABLED) and arguments (e.g. --bootstrap). */
  env?: Record<string, string>;
  args?: string[];
}

export async function qdrantProcess(binary: string, options: QdrantProcessOptions = {}): Promise<QdrantProcess> {
  const [httpPort, grpcPort] = options.ports ? [options.ports.http, options.ports.grpc] : await freePorts(2);
  const dir = mkdtempSync(join(tmpdir(), "memory-chat-qdrant-"));
  const url = `http://127.0.0.1:${httpPort}`;
  let proc: ChildProcess | undefined;
  let log = "";
  // A test that dies half-way must not leave a server behind.
  const killOnExit = () => proc?.kill("SIGKILL");
  process.once("exit", killOnExit);

  const running = () => proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  const answers = () =>
    fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );

  const start = async () => {
    if (running()) throw new Error(`Qdrant on ${url} is already running`);
    const child = spawn(binary, ["--disable-telemetry", ...(options.args ?? [])], {
      cwd: dir, // no config/ folder here: compiled-in defaults plus the environment below
      env: {
        ...process.env,
        RUN_MODE: "production",
        QDRANT__SERVICE__HOST: "127.0.0.1",
        QDRANT__SERVICE__HTTP_PORT: String(httpPort),
        QDRANT__SERVICE__GRPC_PORT: String(grpcPort),
        QDRANT__STORAGE__STORAGE_PATH: join(dir, "storage"),
        QDRANT__STORAGE__SNAPSHOTS_PATH: join(dir, "snapshots"),
        QDRANT__TELEMETRY_DISABLED: "true",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc = child;
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (await answers()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    throw new Error(`Qdrant (${binary}) did not answer on ${url} within 60 s. Its output:\n${log.slice(-2000)}`);
  };

  const stop = async (signal: "SIGTERM" | "SIGKILL") => {
    const child = proc;
    if (!child || !running()) return;
    const gone = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGCONT"); // a frozen server cannot act on SIGTERM
    child.kill(signal);
    const escalate = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await gone;
    clearTimeout(escalate);
  };

  const signal = (name: "SIGSTOP" | "SIGCONT") => {
    if (!proc || !running()) throw new Error(`Qdrant on ${url} is not running`);
    proc.kill(name);
  };

  return {
    url,
    start,
    stop,
    freeze: () => signal("SIGSTOP"),
    thaw: () => signal("SIGCONT"),
    answers,
    output: () => log,
    dispose: async () => {
      await stop("SIGKILL");
      process.off("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
