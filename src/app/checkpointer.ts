import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { Settings } from "../config/settings.js";
import { unreachableMessage } from "../util/postgres.js";

/**
 * Short-term memory outside the dev server: PostgreSQL when DATABASE_URL is set, otherwise one
 * SQLite file in DATA_DIR. (Under `langgraph dev` the server's own checkpointer is used.)
 */
export async function createCheckpointer(settings: Settings): Promise<BaseCheckpointSaver> {
  if (settings.DATABASE_URL) {
    const { PostgresSaver } = await import("@langchain/langgraph-checkpoint-postgres");
    const saver = PostgresSaver.fromConnString(settings.DATABASE_URL);
    try {
      await saver.setup();
    } catch (e) {
      await saver.end().catch(() => undefined);
      throw new Error(unreachableMessage(settings.DATABASE_URL, e, `conversations in ${join(settings.DATA_DIR, "checkpoints.db")}`), { cause: e });
    }
    return saver;
  }
  mkdirSync(settings.DATA_DIR, { recursive: true });
  return SqliteSaver.fromConnString(join(settings.DATA_DIR, "checkpoints.db"));
}
