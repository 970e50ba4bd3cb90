import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { Settings } from "../config/settings.js";

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
      throw new Error(
        `DATABASE_URL is set but PostgreSQL did not accept the connection (${(e as Error).message}): start it, or unset DATABASE_URL to keep conversations in ${join(settings.DATA_DIR, "checkpoints.db")}`,
      );
    }
    return saver;
  }
  mkdirSync(settings.DATA_DIR, { recursive: true });
  return SqliteSaver.fromConnString(join(settings.DATA_DIR, "checkpoints.db"));
}
