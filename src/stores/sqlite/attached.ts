import type Database from "better-sqlite3";
import { openSqliteFile } from "../../util/sqlite-connection.js";
import { onSqliteFile } from "./errors.js";

/**
 * A store kept in the memory store's SQLite file (the memory map, the profiles): on that store's
 * connection when it is given (stores/factory.ts: one connection per file and process), else on
 * one of its own, which it then closes.
 */
export abstract class AttachedSqliteStore {
  protected readonly db: Database.Database;
  private readonly ownsConnection: boolean;

  constructor(
    readonly path: string,
    connection?: Database.Database,
  ) {
    this.db = connection ?? onSqliteFile(path, () => openSqliteFile(path));
    this.ownsConnection = connection === undefined;
  }

  async close(): Promise<void> {
    if (this.ownsConnection) this.db.close();
  }
}
