import { spawn } from "node:child_process";

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end with the memories CLI's embedded defaults (SQLite in `dataDir`, the
 * default embedder, no chat model, default log level), collecting what it printed.
 */
export function runProcess(command: string, args: string[], options: { cwd: string; dataDir: string }): Promise<ProcessResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, MEMORY_STORE: "sqlite", DATA_DIR: options.dataDir, EMBEDDING_MODEL: "", CHAT_MODEL: "", LOG_LEVEL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
