/**
 * `npm run dev [-- --port N ...]`: starts `langgraphjs dev` (no analytics, no browser, every
 * argument passed on) once the port it will listen on is known to be free. On a taken port the
 * LangGraph CLI prints a stack trace and keeps running without serving; this says so in one line
 * and exits 1 instead.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { constants } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

/** The LangGraph CLI's own defaults for the options read here. */
const DEFAULT_PORT = "2024";
const DEFAULT_HOST = "localhost";

const ROOT = resolve(import.meta.dirname, "../..");

async function main(argv: string[]): Promise<number> {
  // Not strict: every other option is the LangGraph CLI's to read; only where it listens matters here.
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: "string", short: "p" }, host: { type: "string", short: "h" } },
    strict: false,
    allowPositionals: true,
  });
  const port = typeof values.port === "string" ? values.port : DEFAULT_PORT;
  const host = typeof values.host === "string" ? values.host : DEFAULT_HOST;
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    process.stderr.write(`--port must be a port number (0-65535), got "${port}"\n`);
    return 2;
  }
  const problem = await portProblem(Number(port), host);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    return 1;
  }
  const child = spawn(join(ROOT, "node_modules/.bin/langgraphjs"), ["dev", "--no-browser", ...argv], {
    stdio: "inherit",
    env: { ...process.env, LANGGRAPH_CLI_NO_ANALYTICS: "1" },
  });
  // Ctrl-C reaches the whole process group; a plain kill of this process is passed on.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  return new Promise((done) => {
    child.on("error", (error) => {
      process.stderr.write(`could not start langgraphjs dev: ${error.message} (run npm install first)\n`);
      done(1);
    });
    child.on("exit", (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/** Why the server could not listen on host:port, in one line; undefined when it can. */
function portProblem(port: number, host: string): Promise<string | undefined> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        done(
          `port ${port} is taken on ${host}: stop what uses it, or start on another port with npm run dev -- --port <N>`,
        );
      else if (error.code === "EACCES")
        done(
          `port ${port} on ${host} needs privileges this user lacks: pick a port above 1023 with npm run dev -- --port <N>`,
        );
      else done(`cannot listen on ${host}:${port} (${error.code ?? error.message}): check --host and --port`);
    });
    probe.listen(port, host, () => probe.close(() => done(undefined)));
  });
}

main(process.argv.slice(2)).then((code) => process.exit(code));
