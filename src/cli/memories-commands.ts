import { readFileSync, writeFileSync } from "node:fs";
import { MemoryNotFoundError, type MemoryEngine } from "../memory/engine.js";
import { chronological, memoryView, searchResultView } from "../app/memory-view.js";
import { ImportDocument } from "../app/transfer/format.js";
import { exportUser, importUser } from "../app/transfer/user-transfer.js";
import { stringValue, UsageError, type CommandSpec, type OptionSpec, type ParsedCommandLine } from "./args.js";
import { historyLine, memoryLine, versionLines } from "./format.js";
import { AppError } from "../util/errors.js";

/** The memory named does not exist for this user (exit code 3). */
export class NotFoundError extends AppError {
  readonly code = "not_found";
}

export interface CommandInput {
  /** Opens long-term memory (loads the embedding model): called once the arguments are known good. */
  engine: () => Promise<MemoryEngine>;
  userId: string;
  /** Positional arguments after the command name. */
  args: string[];
  values: ParsedCommandLine["values"];
}

/** What a command produced: `data` is printed with --json, `text` otherwise. */
export interface CommandOutput {
  data: unknown;
  text: string;
}

/** A command of one user's memories: what it takes (for parsing and --help) and what it does. */
export interface MemoriesCommand extends CommandSpec {
  run: (input: CommandInput) => Promise<CommandOutput>;
}

/** --user and --json, which every command takes. */
export const USER_OPTIONS: Record<string, OptionSpec> = {
  user: { type: "string", value: "ID", help: "the user whose memories to act on (required)" },
  json: { type: "boolean", help: "print JSON for scripts" },
};

const LIMIT = (what: string, fallback: number): OptionSpec => ({
  type: "string",
  value: "N",
  help: `at most N ${what} (default ${fallback})`,
});

export function command(
  name: string,
  spec: Omit<MemoriesCommand, "name" | "options"> & { options?: Record<string, OptionSpec> },
): MemoriesCommand {
  return { ...spec, name: `memories ${name}`, options: { ...spec.options, ...USER_OPTIONS } };
}

export const COMMANDS: Record<string, MemoriesCommand> = {
  list: command("list", {
    summary: "The user's memories, newest first.",
    options: {
      limit: LIMIT("memories", 1000),
      offset: { type: "string", value: "N", help: "skip the first N (default 0)" },
      all: { type: "boolean", help: "superseded memories too" },
    },
    async run({ engine, userId, values }) {
      const page = {
        includeHistory: values.all === true,
        limit: intOption(values, "limit", 1000),
        offset: intOption(values, "offset", 0),
      };
      const memories = await (await engine()).list({ userId, ...page });
      const text = memories.length
        ? memories.map(memoryLine).join("\n") + `\n${count(memories.length, "memory", "memories")}`
        : `no memories for ${userId}`;
      return { data: { userId, memories: memories.map(memoryView) }, text };
    },
  }),

  search: command("search", {
    usage: "<text>",
    summary: "Memories that match the text, best first.",
    options: { limit: LIMIT("results", 8) },
    async run({ engine, userId, args, values }) {
      const query = args.join(" ").trim();
      if (!query) throw new UsageError("search needs a query: memories search <text> --user ID");
      const limit = intOption(values, "limit", 8);
      const hits = await (await engine()).search(query, { userId, limit });
      const text = hits.length
        ? hits.map((h) => `${h.score.toFixed(3)}  ${memoryLine(h.memory)}`).join("\n")
        : "no matching memories";
      return { data: { userId, results: hits.map(searchResultView) }, text };
    },
  }),

  show: command("show", {
    usage: "<id>",
    summary: "One memory, every field.",
    async run({ engine, userId, args }) {
      const id = memoryId(args, "show");
      const memory = await (await engine()).get(id, { userId });
      if (!memory) throw new NotFoundError(`No memory with id ${id} for user ${userId}`);
      const view = memoryView(memory);
      const text = Object.entries(view)
        .map(([k, v]) => `${k.padEnd(13)} ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
        .join("\n");
      return { data: view, text };
    },
  }),

  history: command("history", {
    usage: "<id>",
    summary: "How a memory changed: its history, what it replaced and what replaced it.",
    async run({ engine, userId, args }) {
      const id = memoryId(args, "history");
      const opened = await engine();
      const history = chronological(await opened.history(id, { userId }));
      const chain = await opened.supersedeChain(id, { userId });
      if (history.length === 0 && !chain) throw new NotFoundError(`No memory with id ${id} for user ${userId}`);
      const lines = history.map(historyLine).join("\n") || "no history recorded";
      return {
        data: {
          memoryId: id,
          history,
          replaced: chain?.replaced.map(memoryView) ?? [],
          replacedBy: chain?.replacedBy.map(memoryView) ?? [],
        },
        text: chain ? [lines, ...versionLines(chain)].join("\n") : lines,
      };
    },
  }),

  delete: command("delete", {
    usage: "<id>",
    summary: "Deletes one memory; its history is kept.",
    async run({ engine, userId, args }) {
      const id = memoryId(args, "delete");
      try {
        await (await engine()).delete(id, { userId });
      } catch (error) {
        if (error instanceof MemoryNotFoundError) throw new NotFoundError(`No memory with id ${id} for user ${userId}`);
        throw error;
      }
      return { data: { id, deleted: true }, text: `deleted ${id}` };
    },
  }),

  "forget-user": command("forget-user", {
    summary: "Erases every memory of the user, with history and queued updates.",
    options: { yes: { type: "boolean", help: "confirm: nothing is erased without it" } },
    async run({ engine, userId, values }) {
      if (values.yes !== true) {
        throw new UsageError(`forget-user erases every memory of ${userId} and their history; add --yes to confirm`);
      }
      const erased = await (await engine()).forgetUser(userId);
      return {
        data: { userId, ...erased },
        text: `forgot ${userId}: ${count(erased.memories, "memory", "memories")}, ${count(erased.history, "history line", "history lines")}`,
      };
    },
  }),

  export: command("export", {
    summary: "Every memory of the user with its history, as JSON.",
    options: { out: { type: "string", value: "FILE", help: "write to FILE instead of stdout" } },
    async run({ engine, userId, values }) {
      const out = stringValue(values, "out");
      const doc = await exportUser(await engine(), userId);
      if (!out) return { data: doc, text: JSON.stringify(doc, null, 2) };
      writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
      return {
        data: { userId, file: out, memories: doc.memories.length },
        text: `exported ${count(doc.memories.length, "memory", "memories")} of ${userId} to ${out}`,
      };
    },
  }),

  import: command("import", {
    usage: "<FILE|->",
    summary: "Re-creates memories from an export file (- reads stdin).",
    async run({ engine, userId, args }) {
      const file = args[0];
      if (!file) throw new UsageError("import needs the file written by export: memories import <file|-> --user ID");
      const doc = parseImportFile(file);
      const result = await importUser(await engine(), userId, doc);
      const text =
        `imported ${count(result.imported, "memory", "memories")} for ${userId}` +
        (result.alreadyPresent ? `, ${result.alreadyPresent} already present` : "") +
        (result.folded ? `, ${result.folded} superseded kept as history` : "");
      return { data: result, text };
    },
  }),
};

function parseImportFile(file: string): ImportDocument {
  let raw: string;
  try {
    raw = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new UsageError(`${file} is not JSON: pass a file written by "memories export"`);
  }
  const parsed = ImportDocument.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new UsageError(`${file} is not an export file:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

function memoryId(args: string[], command: string): string {
  if (!args[0]) throw new UsageError(`${command} needs a memory id: memories ${command} <id> --user ID`);
  return args[0];
}

function intOption(values: ParsedCommandLine["values"], name: string, fallback: number): number {
  const raw = stringValue(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return n;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
