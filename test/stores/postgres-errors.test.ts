/** The PostgreSQL backend's own classifier (no server needed: a closed port stands for one that is down). */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/memory/store.js";
import {
  postgresFailure,
  postgresUnavailableCode,
  PostgresUnavailableError,
} from "../../src/stores/postgres/errors.js";
import { PostgresJobQueue } from "../../src/stores/postgres/queue.js";
import { PostgresUserLocks } from "../../src/stores/postgres/user-locks.js";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.js";

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("PostgreSQL failures (stores/postgres/errors.ts)", () => {
  it("recognises a server that cannot be reached, is going away or dropped the connection, and nothing else", () => {
    const bothRefused = new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")], "connect failed");
    expect(postgresUnavailableCode(bothRefused)).toBe("ECONNREFUSED");
    expect(postgresUnavailableCode(coded("ETIMEDOUT"))).toBe("ETIMEDOUT");
    expect(postgresUnavailableCode(coded("08006", "connection failure"))).toBe("08006");
    expect(postgresUnavailableCode(coded("57P01", "terminating connection due to administrator command"))).toBe(
      "57P01",
    );
    expect(postgresUnavailableCode(new Error("Connection terminated unexpectedly"))).toBe("CONNECTION_LOST");
    for (const other of [coded("42601", "syntax error"), coded("23505", "duplicate key"), coded("55P03")])
      expect(postgresUnavailableCode(other)).toBeUndefined();
  });

  it("turns it into StoreUnavailableError naming the server (not the password) and what unsetting DATABASE_URL keeps", () => {
    const cause = coded("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.7:5432");
    const error = postgresFailure("postgres://me:secret@10.0.0.7:5432/app", cause, "the queue in DATA_DIR/queue.db");
    expect(error).toBeInstanceOf(PostgresUnavailableError);
    expect(error).toMatchObject({ code: "store_unavailable", retryable: true, reason: "ECONNREFUSED" });
    expect((error as Error).message).toBe(
      "DATABASE_URL is set but PostgreSQL at 10.0.0.7:5432/app did not accept the connection (connect ECONNREFUSED " +
        "10.0.0.7:5432): start it, or unset DATABASE_URL to keep the queue in DATA_DIR/queue.db",
    );
    expect((error as StoreUnavailableError).publicMessage).toMatch(/DATABASE_URL/);
    expect((error as StoreUnavailableError).publicMessage).not.toMatch(/10\.0\.0\.7|secret/);
    const syntax = coded("42601");
    expect(postgresFailure("postgres://x", syntax, "")).toBe(syntax);
  });

  it("the queue and the user locks throw it at their boundary", async () => {
    const url = `postgres://nobody@127.0.0.1:${await closedPort()}/none`;
    const queue = new PostgresJobQueue(url);
    await expect(queue.backlog()).rejects.toMatchObject({ name: "PostgresUnavailableError", reason: "ECONNREFUSED" });
    await expect(queue.list()).rejects.toThrow(/keep the update queue in DATA_DIR\/queue\.db/);
    await queue.close();
    const locks = new PostgresUserLocks(url);
    await expect(locks.run("u", async () => "done")).rejects.toThrow(/keep the user locks in DATA_DIR\/locks\.db/);
    await locks.close();
  });
});

describe.skipIf(!postgresAvailable("the user locks' boundary on a live PostgreSQL"))(
  "PostgresUserLocks on a live server",
  () => {
    it("passes an error of the locked work as it is, even one that looks like a refused connection", async () => {
      const db = await freshDatabase();
      const locks = new PostgresUserLocks(db.url);
      try {
        const modelDown = coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:11434");
        await expect(locks.run("u", () => Promise.reject(modelDown))).rejects.toBe(modelDown);
      } finally {
        await locks.close();
        await db.drop();
      }
    });
  },
);
