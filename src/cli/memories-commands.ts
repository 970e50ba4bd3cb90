import { readFileSync, writeFileSync } from "node:fs";
import { MemoryNotFoundError, type MemoryEngine } from "../memory/engine.js";
import { chronological, memoryView, searchResultView } from "../server/memory-view.js";
import { ImportDocument } from "../server/schemas.js";
import { exportUser, importUser } from "../server/user-transfer.js";
import { historyLine, memoryLine } from "./format.js";

/** A command line that cannot be run as written (exit code 2). */
export class UsageError extends Error {}
/** The memory named does not exist for this user (exit code 3). */
export class NotFoundError extends Error {}

export interface CommandInput {
  /** Opens long-term memory (loads the embedding model): called once the arguments are known good. */
  engine: () => Promise<MemoryEngine>;
  userId: string;
  /** Positional arguments after the command name. */
  args: string[];
  options: Record<string, string | true>;
}

/** What a command produced: `data` is printed with --json, `text` otherwise. */
export interface CommandOutput {
  data: unknown;
  text: string;
}

type Command = (input: CommandInput) => Promise<CommandOutput>;

export const COMMANDS: Record<string, Command> = {
  async list({ engine, userId, options }) {
    const page = { includeHistory: options.all === true, limit: intOption(options, "limit", 1000), offset: intOption(options, "offset", 0) };
    const memories = await (await engine()).list({ userId, ...page });
    const text = memories.length ? memories.map(memoryLine).join("\n") + `\n${count(memories.length, "memory", "memories")}` : `no memories for ${userId}`;
    return { data: { userId, memories: memories.map(memoryView) }, text };
  },

  async search({ engine, userId, args, options }) {
    const query = args.join(" ").trim();
    if (!query) throw new UsageError("search needs a query: memories search <text> --user ID");
    const limit = intOption(options, "limit", 8);
    const hits = await (await engine()).search(query, { userId, limit });
    const text = hits.length ? hits.map((h) => `${h.score.toFixed(3)}  ${memoryLine(h.memory)}`).join("\n") : "no matching memories";
    return { data: { userId, results: hits.map(searchResultView) }, text };
  },

  async show({ engine, userId, args }) {
    const id = memoryId(args, "show");
    const memory = await (await engine()).get(id, { userId });
    if (!memory) throw new NotFoundError(`No memory with id ${id} for user ${userId}`);
    const view = memoryView(memory);
    const text = Object.entries(view)
      .map(([k, v]) => `${k.padEnd(13)} ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
      .join("\n");
    return { data: view, text };
  },

  async history({ engine, userId, args }) {
    const id = memoryId(args, "history");
    const opened = await engine();
    const history = chronological(await opened.history(id, { userId }));
    if (history.length === 0 && !(await opened.get(id, { userId }))) throw new NotFoundError(`No memory with id ${id} for user ${userId}`);
    return { data: { memoryId: id, history }, text: history.map(historyLine).join("\n") || "no history recorded" };
  },

  async delete({ engine, userId, args }) {
    const id = memoryId(args, "delete");
    try {
      await (await engine()).delete(id, { userId });
    } catch (error) {
      if (error instanceof MemoryNotFoundError) throw new NotFoundError(`No memory with id ${id} for user ${userId}`);
      throw error;
    }
    return { data: { id, deleted: true }, text: `deleted ${id}` };
  },

  async "forget-user"({ engine, userId, options }) {
    if (options.yes !== true) {
      throw new UsageError(`forget-user erases every memory of ${userId} and their history; add --yes to confirm`);
    }
    const erased = await (await engine()).forgetUser(userId);
    return { data: { userId, ...erased }, text: `forgot ${userId}: ${count(erased.memories, "memory", "memories")}, ${count(erased.history, "history line", "history lines")}` };
  },

  async export({ engine, userId, options }) {
    const out = optionValue(options, "out");
    const doc = await exportUser(await engine(), userId);
    if (!out) return { data: doc, text: JSON.stringify(doc, null, 2) };
    writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
    return { data: { userId, file: out, memories: doc.memories.length }, text: `exported ${count(doc.memories.length, "memory", "memories")} of ${userId} to ${out}` };
  },

  async import({ engine, userId, args }) {
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

/** The value of `--name value`; a bare `--name` is a usage error. */
export function optionValue(options: Record<string, string | true>, name: string): string | undefined {
  const value = options[name];
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

function intOption(options: Record<string, string | true>, name: string, fallback: number): number {
  const raw = optionValue(options, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return n;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
