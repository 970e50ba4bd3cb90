/**
 * `npm run memories -- <command> ... --user ID [--json]`: memory administration for operators and
 * scripts (`queue` also without --user: every user's memory update jobs), on the same settings and runtime as the chat (embedded defaults). Exit codes: 0 ok,
 * 1 runtime failure (store unreachable, unexpected error), 2 usage error, 3 memory not found.
 */
import { join } from "node:path";
import { stderr, stdout } from "node:process";
import { ZodError } from "zod";
import type { Runtime } from "../app/runtime.js";
import { SettingsError, loadSettings } from "../config/settings.js";
import { FilterError, TenantViolationError } from "../memory/filter.js";
import { InvalidInputError, validateUserId } from "../memory/validation.js";
import { unreachableStoreCode, unreachableStoreMessage } from "../stores/unavailable.js";
import { zodMessage } from "../server/errors.js";
import { parseArgs } from "./args.js";
import { ENTITY_COMMANDS } from "./entity-commands.js";
import { COMMANDS, NotFoundError, optionValue, UsageError } from "./memories-commands.js";
import { queueCommand } from "./queue-command.js";

const USAGE = `usage: npm run memories -- <command> [arguments] --user ID [--json]

commands:
  list [--limit N] [--offset N] [--all]   the user's memories (--all: superseded ones too)
  search <text> [--limit N]               memories that match the text
  show <id>                               one memory
  history <id>                            how a memory changed
  delete <id>                             delete one memory (its history is kept)
  forget-user --yes                       erase every memory of the user and its history
  export [--out FILE]                     all memories with history, as JSON
  import <FILE|->                         re-create memories from an export (new ids)
  entities                                the user's entities (people, pets, places, ...)
  entity <name>                           one entity: its relations and its memories as a timeline
  map [--format json|dot|svg] [--out F]   the memory map: entities and their relations
  queue [list] [--state S]                memory update jobs (--user optional here: all users)
  queue retry <id> | retry --all          dead jobs back to the queue, tried at once
  queue drop <id>                         remove a job that is not running
  reembed --user ID | --all               recompute stored vectors with EMBEDDING_MODEL (resumable;
                                          stop the chat and server first; --all when the size changes)

--json prints JSON for scripts. Exit codes: 0 ok, 1 failure, 2 usage error, 3 not found.`;

const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3 } as const;

async function main(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv);
  const [name, ...args] = positional;
  if (options.help || !name) {
    (options.help ? stdout : stderr).write(`${USAGE}\n`);
    return options.help ? EXIT.ok : EXIT.usage;
  }
  let runtime: Runtime | undefined;
  try {
    if (name === "queue") {
      const userArg = optionValue(options, "user");
      const { SqliteJobQueue } = await import("../memory/queue/sqlite-queue.js");
      const queue = new SqliteJobQueue(join(loadSettings().DATA_DIR, "queue.db"));
      try {
        const output = await queueCommand({ queue, userId: userArg === undefined ? undefined : validateUserId(userArg), args, options });
        stdout.write(options.json === true ? `${JSON.stringify(output.data, null, 2)}\n` : `${output.text}\n`);
      } finally {
        await queue.close();
      }
      return EXIT.ok;
    }
    if (name === "reembed") {
      const { reembedCommand } = await import("./reembed.js");
      const output = await reembedCommand(loadSettings(), options, stderr);
      stdout.write(options.json === true ? `${JSON.stringify(output.data, null, 2)}\n` : `${output.text}\n`);
      return EXIT.ok;
    }
    const command = COMMANDS[name] ?? ENTITY_COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"`);
    const userId = validateUserId(optionValue(options, "user") ?? missingUser());
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
    const output = await command({ engine: openEngine, userId, args, options });
    stdout.write(options.json === true ? `${JSON.stringify(output.data, null, 2)}\n` : `${output.text}\n`);
    return EXIT.ok;
  } catch (error) {
    return report(error);
  } finally {
    await runtime?.close().catch(() => undefined);
  }
}

function missingUser(): never {
  throw new UsageError("--user ID is required: name the user whose memories to act on");
}

function report(error: unknown): number {
  const fail = (code: number, message: string) => {
    stderr.write(`${message}\n`);
    if (code === EXIT.usage && error instanceof UsageError) stderr.write("run with --help for usage\n");
    return code;
  };
  if (error instanceof NotFoundError) return fail(EXIT.notFound, error.message);
  if (error instanceof UsageError || error instanceof SettingsError) return fail(EXIT.usage, error.message);
  if (error instanceof InvalidInputError || error instanceof FilterError || error instanceof TenantViolationError) {
    return fail(EXIT.usage, error.message);
  }
  if (error instanceof ZodError) return fail(EXIT.usage, zodMessage(error));
  const unreachable = unreachableStoreCode(error);
  if (unreachable) return fail(EXIT.failure, unreachableStoreMessage(unreachable));
  return fail(EXIT.failure, `memories failed: ${error instanceof Error ? error.message : String(error)}`);
}

// Exit once stdout has taken everything (an export can be large and stdout a pipe).
main(process.argv.slice(2)).then((code) => stdout.write("", () => process.exit(code)));
