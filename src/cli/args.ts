import { parseArgs } from "node:util";
import { AppError } from "../util/errors.js";

/** A command line that cannot be run as written (exit code 2). */
export class UsageError extends AppError {
  readonly code = "usage";
}

/** One option of a command: `--name VALUE` (string) or `--name` (flag). */
export interface OptionSpec {
  type: "string" | "boolean";
  /** The value's placeholder in --help, e.g. "N" or "FILE"; string options only. */
  value?: string;
  help: string;
}

/** What a command takes, for parsing and for its --help. */
export interface CommandSpec {
  /** `memories list`, `memory-chat`: how the command is typed, for help and errors. */
  name: string;
  /** What follows the name besides options, e.g. "<id>"; a command without it takes no arguments. */
  usage?: string;
  summary: string;
  options: Record<string, OptionSpec>;
}

export interface ParsedCommandLine {
  positional: string[];
  values: Record<string, string | boolean | undefined>;
}

const HELP_OPTION: OptionSpec = { type: "boolean", help: "this help (also -h)" };

/**
 * Parses `argv` against the command's options with node:util's parseArgs. An unknown option, a
 * value missing or given to a flag, or an argument the command does not take becomes a
 * UsageError that names the command's options.
 */
export function parseCommandLine(argv: string[], spec: CommandSpec): ParsedCommandLine {
  const options = {
    ...Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type }])),
    help: { type: "boolean", short: "h" },
  } as const;
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      options,
      allowPositionals: spec.usage !== undefined,
      strict: true,
    });
    return { positional: positionals, values };
  } catch (error) {
    throw new UsageError(`${parseProblem(error)}\n${optionsLine(spec)}`);
  }
}

/** The --help text of one command: usage line, what it does, each option. */
export function commandHelp(spec: CommandSpec): string {
  const all = { ...spec.options, help: HELP_OPTION };
  const left = Object.entries(all).map(([name, o]) => optionLabel(name, o));
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = Object.values(all).map((o, i) => `  ${left[i].padEnd(width)}${o.help}`);
  return `usage: ${spec.name}${spec.usage ? ` ${spec.usage}` : ""} [options]\n\n${spec.summary}\n\noptions:\n${lines.join("\n")}`;
}

/** The value of a string option, or undefined; the parser has already checked its type. */
export function stringValue(values: ParsedCommandLine["values"], name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

function optionLabel(name: string, o: OptionSpec): string {
  return `--${name}${o.value ? ` ${o.value}` : ""}`;
}

function optionsLine(spec: CommandSpec): string {
  const names = Object.entries(spec.options).map(([name, o]) => optionLabel(name, o));
  return `${spec.name} takes ${names.length ? names.join(", ") : "no options"} (${spec.name} --help explains them)`;
}

/** parseArgs' messages name the problem well but end with advice about its own API: keep the first sentence. */
function parseProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const option = message.match(/Unknown option '([^']+)'/)?.[1];
    return `unknown option ${option ?? message}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const option = message.match(/Option '(--[\w-]+)/)?.[1];
    if (/does not take an argument/.test(message)) return `${option} is a flag and takes no value`;
    if (option) return `${option} needs a value`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL")
    return `unexpected argument ${message.match(/'([^']*)'/)?.[1] ?? message}`;
  return message.split(/\.\s/)[0];
}
