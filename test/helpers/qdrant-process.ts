/**
 * A private Qdrant server for tests that must stop and restart it: started from the binary named
 * by QDRANT_BIN, on free ports of 127.0.0.1, with its storage in a temporary folder that survives
 * restarts. Never touches a Qdrant the developer runs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../e2e/dev-server.js";

export interface QdrantProcess {
  url: string;
  start: () => Promise<void>;
  stop: (signal: "SIGTERM" | "SIGKILL") => Promise<void>;
  dispose: () => Promise<void>;
}

export async function qdrantProcess(binary: string): Promise<QdrantProcess> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "memory-chat-qdrant-"));
  const url = `http://127.0.0.1:${httpPort}`;
  let proc: ChildProcess | undefined;
  let log = "";

  const start = async () => {
    proc = spawn(binary, ["--disable-telemetry"], {
      cwd: dir,
      env: {
        ...process.env,
        RUN_MODE: "production",
        QDRANT__SERVICE__HOST: "127.0.0.1",
        QDRANT__SERVICE__HTTP_PORT: String(httpPort),
        QDRANT__SERVICE__GRPC_PORT: String(grpcPort),
        QDRANT__STORAGE__STORAGE_PATH: join(dir, "storage"),
        QDRANT__STORAGE__SNAPSHOTS_PATH: join(dir, "snapshots"),
        QDRANT__TELEMETRY_DISABLED: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout!.on("data", (d) => (log += d));
    proc.stderr!.on("data", (d) => (log += d));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) break;
      if (await fetch(url).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Qdrant (${binary}) did not answer on ${url} within 60 s. Its output:\n${log.slice(-2000)}`);
  };

  const stop = async (signal: "SIGTERM" | "SIGKILL") => {
    const running = proc;
    if (!running || running.exitCode !== null || running.signalCode) return;
    const gone = new Promise<void>((r) => running.once("exit", () => r()));
    running.kill(signal);
    await gone;
  };

  return {
    url,
    start,
    stop,
    dispose: async () => {
      await stop("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
