/**
 * `npx memories <command> ... --user ID [--json]`: memory administration for operators and
 * scripts (`queue` also without --user: every user's memory update jobs; `ui` serves the
 * inspector page, whose user is chosen in the page), on the same settings and
 * runtime as the chat (embedded defaults). Only the command's output goes to stdout, so it can be
 * piped or redirected. Exit codes: 0 ok, 1 runtime failure (store unreachable, unexpected error),
 * 2 usage error, 3 memory not found.
 */
import { stderr, stdout } from "node:process";
import { ZodError } from "zod";
import { closeWithin } from "../app/close-within.js";
import type { Runtime } from "../app/runtime.js";
import { loadSettings } from "../config/settings.js";
import { validateUserId } from "../memory/validation.js";
import { zodMessage } from "../util/zod-message.js";
import { AppError, EXIT_CODE } from "../util/errors.js";
import { commandHelp, parseCommandLine, stringValue, UsageError, type CommandSpec } from "./args.js";
import { ENTITY_COMMANDS } from "./entity-commands.js";
import { FEEDBACK_COMMANDS } from "./feedback-command.js";
import { PROFILE_COMMANDS } from "./profile-command.js";
import { COMMANDS as MEMORY_COMMANDS, type CommandOutput, type MemoriesCommand } from "./memories-commands.js";
import { QUEUE_SPEC, queueCommand } from "./queue-command.js";
import { REEMBED_SPEC, reembedCommand } from "./reembed.js";
import { UI_SPEC, uiCommand } from "./ui-command.js";

const COMMANDS: Record<string, MemoriesCommand> = {
  ...MEMORY_COMMANDS,
  ...ENTITY_COMMANDS,
  ...FEEDBACK_COMMANDS,
  ...PROFILE_COMMANDS,
};
const SPECS: Record<string, CommandSpec> = { ...COMMANDS, queue: QUEUE_SPEC, reembed: REEMBED_SPEC, ui: UI_SPEC };

const USAGE = `usage: memories <command> [arguments] --user ID [--json]

commands:
${Object.entries(SPECS)
  .map(([name, spec]) => commandLine(name, spec))
  .join("\n")}

memories <command> --help lists a command's options. Exit codes: 0 ok, 1 failure, 2 usage error,
3 not found.`;

/** `  name usage   summary`, the summary on a line of its own when the usage is long. */
function commandLine(name: string, spec: CommandSpec): string {
  const left = `  ${name}${spec.usage ? ` ${spec.usage}` : ""}`;
  return left.length < 24 ? `${left.padEnd(24)}${spec.summary}` : `${left}\n${" ".repeat(24)}${spec.summary}`;
}

const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3 } as const;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h") {
    stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  let runtime: Runtime | undefined;
  try {
    if (!name) throw new UsageError(USAGE);
    // Own keys only: "constructor" is no command.
    const spec = Object.hasOwn(SPECS, name) ? SPECS[name] : undefined;
    if (!spec)
      throw new UsageError(
        `unknown command "${name}": use one of ${Object.keys(SPECS).join(", ")} (memories --help says what each does)`,
      );
    const { positional: args, values } = parseCommandLine(rest, spec);
    if (values.help) {
      stdout.write(`${commandHelp(spec)}\n`);
      return EXIT.ok;
    }
    const print = (output: CommandOutput) =>
      stdout.write(values.json === true ? `${JSON.stringify(output.data, null, 2)}\n` : `${output.text}\n`);
    if (name === "queue") {
      const user = stringValue(values, "user");
      const { createJobQueue } = await import("../stores/factory.js");
      const queue = createJobQueue(loadSettings());
      try {
        print(
          await queueCommand({ queue, userId: user === undefined ? undefined : validateUserId(user), args, values }),
        );
      } finally {
        await queue.close();
      }
      return EXIT.ok;
    }
    if (name === "ui") {
      // The status line goes to stderr: stdout stays for command output.
      await uiCommand(loadSettings(), values, stderr);
      return EXIT.ok;
    }
    if (name === "reembed") {
      print(await reembedCommand(loadSettings(), values, stderr));
      return EXIT.ok;
    }
    const userId = validateUserId(stringValue(values, "user") ?? missingUser());
    const openEngine = async () => {
      if (runtime) return runtime.memory();
      // Imported on first use, so a usage error is answered without loading the model stack.
      const { createRuntime } = await import("../app/runtime.js");
      // Administration never needs the chat model: leave it unloaded, however CHAT_MODEL is set.
      // Engine logs stay off the operator's screen unless LOG_LEVEL asks for them.
      const settings = loadSettings({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || "warn" });
      runtime = createRuntime(settings, { withoutChatModels: true });
      return runtime.memory();
    };
    print(await COMMANDS[name].run({ engine: openEngine, userId, args, values }));
    return EXIT.ok;
  } catch (error) {
    return report(error);
  } finally {
    if (runtime) {
      await closeWithin(runtime, CLOSE_WARN_MS, (step) =>
        stderr.write(
          `memories: still closing ${step} after ${CLOSE_WARN_MS / 1000} s; exiting without waiting longer (what this command wrote is committed)\n`,
        ),
      );
    }
  }
}

/**
 * How long closing may take before the command says what it is waiting for and ends anyway: all
 * it wrote is committed by then (each command awaits its writes before printing). A CLI test saw
 * a close that never ended, twice, only under a fully loaded test run; this says where.
 */
const CLOSE_WARN_MS = 15_000;

function missingUser(): never {
  throw new UsageError("--user ID is required: name the user whose memories to act on");
}

function report(error: unknown): number {
  const fail = (code: number, message: string) => {
    stderr.write(`${message}\n`);
    return code;
  };
  if (error instanceof ZodError) return fail(EXIT.usage, zodMessage(error));
  // The product's own errors carry their code, and the code its exit code (util/errors.ts); an
  // unreachable store among them (store_unavailable) says which one and what to do.
  if (error instanceof AppError) return fail(EXIT_CODE[error.code], error.message);
  return fail(EXIT.failure, `memories failed: ${error instanceof Error ? error.message : String(error)}`);
}

// Exit once stdout has taken everything (an export can be large and stdout a pipe).
main(process.argv.slice(2)).then((code) => stdout.write("", () => process.exit(code)));
