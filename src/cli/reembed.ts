/**
 * `npx memories reembed --user ID | --all`: recomputes the stored memories' vectors with
 * the embedder EMBEDDING_MODEL names now, after a change of model. Resumable: run it again after
 * a stop and it goes on where it stopped. Stop the chat and the dev server while it runs.
 */
import { join } from "node:path";
import type { Settings } from "../config/settings.js";
import { validateUserId } from "../memory/validation.js";
import { reembedSqliteStore, type ReembedResult } from "../stores/sqlite/reembed.js";
import { stringValue, UsageError, type CommandSpec, type ParsedCommandLine } from "./args.js";
import type { CommandOutput } from "./memories-commands.js";

export const REEMBED_SPEC: CommandSpec = {
  name: "memories reembed",
  summary: "Recomputes stored vectors with EMBEDDING_MODEL, resumably (stop the chat and server first).",
  options: {
    user: { type: "string", value: "ID", help: "one user's memories" },
    all: { type: "boolean", help: "every user's memories (needed when the vector size changes)" },
    json: { type: "boolean", help: "print JSON for scripts" },
  },
};

export async function reembedCommand(
  settings: Settings,
  values: ParsedCommandLine["values"],
  progress: NodeJS.WriteStream,
): Promise<CommandOutput> {
  const user = stringValue(values, "user");
  if ((user === undefined) === (values.all !== true)) {
    throw new UsageError("reembed needs either --user ID (one user) or --all (every user)");
  }
  const kind = settings.MEMORY_STORE === "auto" ? (settings.QDRANT_URL ? "qdrant" : "sqlite") : settings.MEMORY_STORE;
  if (kind !== "sqlite") {
    throw new UsageError(
      `reembed works on the embedded SQLite store; this one is ${kind}: export the users (memories export), ` +
        "point the settings at a new store with the new model, and import them there",
    );
  }
  // Imported here, not at the top: the memories CLI reads this command's options (and answers
  // usage errors) without loading the model stack.
  const { createEmbeddings } = await import("../models/embeddings.js");
  const embedder = await createEmbeddings(settings);
  const bar = new ProgressBar(progress);
  let result: ReembedResult;
  try {
    result = await reembedSqliteStore(join(settings.DATA_DIR, "memory.db"), {
      model: embedder.id,
      dims: embedder.dims,
      embed: (texts) => embedder.embeddings.embedDocuments(texts),
      userId: user === undefined ? undefined : validateUserId(user),
      onProgress: (done, total) => bar.draw(done, total),
    });
  } finally {
    bar.end();
    await embedder.close?.();
  }
  const who = user === undefined ? "every user" : user;
  const resumed = result.resumed ? ` (${result.resumed} done by an earlier run)` : "";
  return {
    data: { model: embedder.id, ...result },
    text: `re-embedded ${result.embedded} of ${result.total} memories of ${who} with ${embedder.id}, ${result.dims} dimensions${resumed}`,
  };
}

/** `[#########...........]  450/1000 memories  45%` on a terminal; a line per 10% otherwise. */
class ProgressBar {
  private lastTenth = -1;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  draw(done: number, total: number): void {
    const share = total === 0 ? 1 : done / total;
    const line = `${done}/${total} memories ${Math.floor(share * 100)}%`;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      this.stream.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${line}`);
      this.drawn = true;
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== this.lastTenth) this.stream.write(`${line}\n`);
    this.lastTenth = tenth;
  }

  end(): void {
    if (this.drawn) this.stream.write("\n");
  }
}
