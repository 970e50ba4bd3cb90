import { once } from "node:events";
import type { Writable } from "node:stream";
import { parseTokens } from "../auth/tokens.js";
import type { Settings } from "../config/settings.js";
import { stringValue, UsageError, type CommandSpec, type ParsedCommandLine } from "./args.js";

export const UI_SPEC: CommandSpec = {
  name: "memories ui",
  summary: "Serve the memory inspector (a page in the browser) on this machine's memory, without the dev server.",
  options: {
    port: { type: "string", value: "N", help: "the port to listen on (default 2199)" },
  },
};

const DEFAULT_PORT = 2199;

/**
 * `memories ui [--port N]`: the inspector page and the memory routes it calls, on 127.0.0.1, on the
 * settings of `npm start` (the embedded store in DATA_DIR, or QDRANT_URL / DATABASE_URL). Runs until
 * interrupted; AUTH_TOKENS turns on token mode as for the dev server.
 */
export async function uiCommand(settings: Settings, values: ParsedCommandLine["values"], out: Writable): Promise<void> {
  const port = parsePort(stringValue(values, "port"));
  const tokens = settings.AUTH_TOKENS ? parseTokens(settings.AUTH_TOKENS) : undefined;
  const { createRuntime } = await import("../app/runtime.js");
  const { inspectorApp, listen } = await import("../ui/server.js");
  // Administration only: no chat model is loaded, whatever CHAT_MODEL names, and no job is run here.
  const runtime = createRuntime(settings, { withoutChatModels: true });
  let server;
  try {
    server = await listen(inspectorApp(runtime, tokens), port, "127.0.0.1");
  } catch (error) {
    await runtime.close();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new UsageError(`port ${port} is taken: pick another with --port N`);
    throw error;
  }
  out.write(
    `memory inspector on http://127.0.0.1:${port}/ui (${tokens ? "token mode: the page asks for your token" : "open mode: localhost only"}); Ctrl-C stops it\n`,
  );
  await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  server.close();
  server.closeAllConnections();
  await runtime.close();
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535)
    throw new UsageError(`--port: "${raw}" is not a port number (1-65535)`);
  return port;
}
