import { spawn } from "node:child_process";

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end with the memories CLI's embedded defaults (SQLite in `dataDir`, the
 * default embedder, no chat model, default log level), collecting what it printed. A command that
 * has not ended after `timeoutMs` is killed and the call fails with what it had printed, so a
 * hang shows where it stopped instead of only the test's own timeout.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; dataDir: string; timeoutMs?: number },
): Promise<ProcessResult> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: {
        ...process.env,
        MEMORY_STORE: "sqlite",
        DATA_DIR: options.dataDir,
        EMBEDDING_MODEL: "",
        CHAT_MODEL: "",
        LOG_LEVEL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a kill reaches what a shell started too (npx, node).
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      fail(
        new Error(
          `${command} ${args.join(" ")} had not ended after ${timeoutMs / 1000} s and was killed; stdout so far:\n${stdout}\nstderr so far:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (error) => (clearTimeout(timer), fail(error)));
    child.on("close", (code) => (clearTimeout(timer), done({ code: code ?? -1, stdout, stderr })));
  });
}
