import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pino, type Logger as PinoLogger } from "pino";

/**
 * The one logger: pino, writing JSON lines to stderr or appended to LOG_FILE, level from
 * LOG_LEVEL. Message content (what users said, memory texts) is logged only at debug level; above
 * it, log ids and counts. This module keeps pino behind the small interface the code uses.
 */
type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** pino's number for debug: lines above it have quoted content redacted. */
const DEBUG = 20;

export function createLogger(
  level: LogLevel = (process.env.LOG_LEVEL as LogLevel) || "info",
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(line + "\n"),
): Logger {
  const logger = pino(
    {
      level,
      base: null,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Our call shape is (msg, fields); pino's is (fields, msg). Fields above debug are redacted.
        logMethod(args, method, lineLevel) {
          const [msg, fields] = args as unknown as [string, Record<string, unknown> | undefined];
          const shown = fields === undefined ? {} : lineLevel <= DEBUG ? fields : redactFields(fields);
          method.apply(this, [shown, msg] as unknown as Parameters<typeof method>);
        },
      },
    },
    // A plain object stream: pino writes each line to it at once, so nothing is lost on exit.
    { write: (line: string) => write(line.endsWith("\n") ? line.slice(0, -1) : line) },
  );
  return wrap(Object.keys(base).length ? logger.child(base) : logger);
}

function wrap(logger: PinoLogger): Logger {
  return {
    debug: (m, f) => logger.debug(m as never, f as never),
    info: (m, f) => logger.info(m as never, f as never),
    warn: (m, f) => logger.warn(m as never, f as never),
    error: (m, f) => logger.error(m as never, f as never),
    child: (fields) => wrap(logger.child(fields)),
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
