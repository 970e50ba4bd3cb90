import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { type Migration, type MigrationPlan, migrate } from "../../src/util/sqlite-migrations.js";

const open: Database.Database[] = [];
afterEach(() => open.splice(0).forEach((db) => db.close()));

function memoryDb(): Database.Database {
  const db = new Database(":memory:");
  open.push(db);
  return db;
}

/** A plan over user_version whose steps record that they ran, in a table of their own. */
function plan(steps: Migration<string[]>[]): MigrationPlan<string[]> {
  return {
    migrations: steps,
    readVersion: (db) => db.pragma("user_version", { simple: true }) as number,
    writeVersion: (db, v) => db.pragma(`user_version = ${v}`),
    tooNew: (found, newest) => new Error(`file at ${found}, build reads ${newest}`),
  };
}

const step = (version: number, sql: string): Migration<string[]> => ({
  version,
  description: `step ${version}`,
  up: (db, ran) => {
    db.exec(sql);
    ran.push(`step ${version}`);
  },
});

const steps = [
  step(1, "CREATE TABLE a (x INTEGER)"),
  step(2, "ALTER TABLE a ADD COLUMN y TEXT"),
  step(3, "CREATE TABLE b (z INTEGER)"),
];

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (t) => t.name,
  );

describe("migrate", () => {
  it("applies every step to a new file, in order, and records the newest version", () => {
    const db = memoryDb();
    const ran: string[] = [];
    expect(migrate(db, plan(steps), ran)).toEqual({ from: 0, to: 3 });
    expect(ran).toEqual(["step 1", "step 2", "step 3"]);
    expect(db.pragma("user_version", { simple: true })).toBe(3);
    expect(tables(db)).toEqual(["a", "b"]);
    expect((db.prepare("PRAGMA table_info(a)").all() as { name: string }[]).map((c) => c.name)).toEqual(["x", "y"]);
  });

  it("applies only the steps an older file lacks, and nothing to a current one", () => {
    const db = memoryDb();
    migrate(db, plan(steps.slice(0, 1)), []);
    const ran: string[] = [];
    expect(migrate(db, plan(steps), ran)).toEqual({ from: 1, to: 3 });
    expect(ran).toEqual(["step 2", "step 3"]);
    const again: string[] = [];
    expect(migrate(db, plan(steps), again)).toEqual({ from: 3, to: 3 });
    expect(again).toEqual([]);
  });

  it("leaves the file as it was when a step fails: no step applied, version unchanged", () => {
    const db = memoryDb();
    migrate(db, plan(steps.slice(0, 1)), []);
    const broken = [...steps.slice(0, 2), step(3, "CREATE TABLE a (again INTEGER)")];
    expect(() => migrate(db, plan(broken), [])).toThrow(/already exists/);
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    expect((db.prepare("PRAGMA table_info(a)").all() as { name: string }[]).map((c) => c.name)).toEqual(["x"]);
  });

  it("refuses a file newer than the list with the plan's own error, changing nothing", () => {
    const db = memoryDb();
    db.pragma("user_version = 7");
    expect(() => migrate(db, plan(steps), [])).toThrow("file at 7, build reads 3");
    expect(tables(db)).toEqual([]);
  });

  it("refuses a list out of version order before touching the file", () => {
    const db = memoryDb();
    expect(() => migrate(db, plan([steps[0], steps[2]]), [])).toThrow(/position 2 but says version 3/);
    expect(tables(db)).toEqual([]);
  });

  it("runs inside a caller's transaction, and is undone with it", () => {
    const db = memoryDb();
    expect(() =>
      db.transaction(() => {
        migrate(db, plan(steps), []);
        throw new Error("caller gives up");
      })(),
    ).toThrow("caller gives up");
    expect(db.pragma("user_version", { simple: true })).toBe(0);
    expect(tables(db)).toEqual([]);
  });
});
