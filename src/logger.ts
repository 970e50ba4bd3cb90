import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * The one logger: JSON lines on stderr, or appended to LOG_FILE, level from LOG_LEVEL. Message content (what users
 * said,
 * memory texts) is logged only at debug level; above it, log ids and counts.
 */
type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  level: LogLevel = (process.env.LOG_LEVEL as LogLevel) || "info",
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(line + "\n"),
): Logger {
  const threshold = ORDER[level] ?? ORDER.info;
  const emit = (lvl: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return;
    const shown = lvl === "debug" || !fields ? fields : redactFields(fields);
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...shown }));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/**
 * Above debug level no message content reaches the log. Error texts can quote it (JSON.parse
 * quotes the model's output, zod the rejected value), so quoted fragments in string fields are
 * replaced by their length.
 */
export function redactQuoted(text: string): string {
  return text.replace(/"[^"]*"|'[^']*'|“[^”]*”|「[^」]*」/g, (q) => `<${q.length - 2} chars>`);
}

function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === "string" ? redactQuoted(v) : v]));
}

/**
 * Where lines go: stderr, or the file `path` (appended synchronously, so the lines of a process
 * that exits at once are not lost; logs are a few lines a turn).
 */
export function logSink(path: string): (line: string) => void {
  if (!path) return (line) => process.stderr.write(line + "\n");
  mkdirSync(dirname(path), { recursive: true });
  return (line) => appendFileSync(path, line + "\n");
}

export const silentLogger: Logger = createLogger("silent");
