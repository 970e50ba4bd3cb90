import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { Settings } from "../config/settings.js";
import { postgresPool } from "../util/postgres.js";
import { unreachableMessage } from "../stores/postgres/errors.js";

/**
 * Short-term memory outside the dev server: PostgreSQL when DATABASE_URL is set, otherwise one
 * SQLite file in DATA_DIR. (Under `langgraph dev` the server's own checkpointer is used.)
 */
export async function createCheckpointer(settings: Settings): Promise<BaseCheckpointSaver> {
  if (settings.DATABASE_URL) {
    const { PostgresSaver } = await import("@langchain/langgraph-checkpoint-postgres");
    // The product's pool (util/postgres.ts): an idle connection the server ends (a restart, a
    // terminated session) is replaced, not an uncaught error that ends the process.
    const saver = new PostgresSaver(postgresPool(settings.DATABASE_URL));
    try {
      await saver.setup();
    } catch (e) {
      await saver.end().catch(() => undefined);
      throw new Error(
        unreachableMessage(settings.DATABASE_URL, e, `conversations in ${join(settings.DATA_DIR, "checkpoints.db")}`),
        { cause: e },
      );
    }
    return saver;
  }
  mkdirSync(settings.DATA_DIR, { recursive: true });
  return SqliteSaver.fromConnString(join(settings.DATA_DIR, "checkpoints.db"));
}
