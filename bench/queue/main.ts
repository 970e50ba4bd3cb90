/**
 * Queue benchmark: how fast N workers drain the memory update queue, SQLite against PostgreSQL in
 * the same run. What is timed is the queue and the worker (claim, lease renewal, completion,
 * per-user order): each update's own work is a scripted model that answers after --model-ms and
 * stores nothing (the memory store excluded), so the figure is the queue's ceiling, not a turn's.
 * Each worker is a MemoryWorker with its own queue connection (one job at a time), as separate app
 * processes would be. PostgreSQL runs in a scratch database created on the server and dropped after.
 * Usage (see BENCHMARKS.md):
 *   bash scripts/postgres-test-server.sh run npm run bench:queue -- [--updates 2000] [--users 100]
 *        [--workers 4] [--model-ms 2] [--out bench/results/queue.json]
 *   (or with DATABASE_URL pointing at a server where the user may create databases)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { silentLogger } from "../../src/logger.js";
import type { MemoryEngine } from "../../src/memory/engine.js";
import { PostgresJobQueue } from "../../src/stores/postgres/queue.js";
import { SqliteJobQueue } from "../../src/stores/sqlite/queue.js";
import type { JobQueue } from "../../src/memory/queue/types.js";
import { MemoryWorker } from "../../src/memory/queue/worker.js";
import { parseNumberList } from "../lib/args.js";

interface Backend {
  name: "sqlite" | "postgres";
  /** A new, empty queue location; each call of `open` is one more connection to it. */
  prepare(): Promise<{ open: () => JobQueue; dispose: () => Promise<void> }>;
}

interface DrainResult {
  backend: string;
  updates: number;
  enqueueSeconds: number;
  drainSeconds: number;
  updatesPerSecond: number;
  outOfOrder: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The update's own work: a scripted model's answer after `ms`, nothing stored. */
function scriptedEngine(ms: number, order: Map<string, number[]>): MemoryEngine {
  return {
    add: async (_input: unknown, options: { userId: string; sourceId?: string }) => {
      await sleep(ms);
      const seen = order.get(options.userId) ?? [];
      seen.push(Number(options.sourceId));
      order.set(options.userId, seen);
      return { changes: [] };
    },
  } as unknown as MemoryEngine;
}

async function drain(
  backend: Backend,
  o: { updates: number; users: number; workers: number; modelMs: number },
): Promise<DrainResult> {
  const location = await backend.prepare();
  const feeder = location.open();
  try {
    const enqueueStart = performance.now();
    for (let i = 0; i < o.updates; i++) {
      await feeder.enqueue(`user-${i % o.users}`, {
        input: [{ role: "user", content: `I own ${i} stamps.` }],
        options: { sourceId: String(i) },
      });
    }
    const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
    const order = new Map<string, number[]>();
    const engine = scriptedEngine(o.modelMs, order);
    const workers = Array.from(
      { length: o.workers },
      () =>
        new MemoryWorker({ memory: async () => engine, queue: location.open(), logger: silentLogger, concurrency: 1 }),
    );
    const start = performance.now();
    workers.forEach((w) => w.start());
    while ((await feeder.backlog()) > 0) await sleep(20);
    const drainSeconds = (performance.now() - start) / 1000;
    for (const w of workers) {
      await w.close();
      await w.queue.close();
    }
    const done = (await feeder.list({ state: "done", limit: o.updates + 1 })).length;
    if (done !== o.updates) throw new Error(`${backend.name}: ${done} of ${o.updates} updates done`);
    const outOfOrder = [...order.values()].filter((seq) => seq.some((v, i) => i > 0 && v < seq[i - 1])).length;
    return {
      backend: backend.name,
      updates: o.updates,
      enqueueSeconds: round(enqueueSeconds),
      drainSeconds: round(drainSeconds),
      updatesPerSecond: Math.round(o.updates / drainSeconds),
      outOfOrder,
    };
  } finally {
    await feeder.close();
    await location.dispose();
  }
}

const sqlite: Backend = {
  name: "sqlite",
  prepare: async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-queue-"));
    return {
      open: () => new SqliteJobQueue(join(dir, "queue.db")),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

function postgres(serverUrl: string): Backend {
  return {
    name: "postgres",
    prepare: async () => {
      const name = `bench_queue_${Date.now()}`;
      await onServer(serverUrl, `CREATE DATABASE ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return {
        open: () => new PostgresJobQueue(url.toString()),
        dispose: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      };
    },
  };
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      updates: { type: "string", default: "2000" },
      users: { type: "string", default: "100" },
      workers: { type: "string", default: "4" },
      "model-ms": { type: "string", default: "2" },
      out: { type: "string", default: "bench/results/queue.json" },
    },
  });
  const [updates, users, workers, modelMs] = (["updates", "users", "workers", "model-ms"] as const).map(
    (k) => parseNumberList(k, values[k]!)[0],
  );
  const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    throw new Error(
      "No PostgreSQL server: run bash scripts/postgres-test-server.sh run npm run bench:queue, or set DATABASE_URL to a server where this user may create databases",
    );
  }
  const options = { updates, users, workers, modelMs };
  const results: DrainResult[] = [];
  for (const backend of [sqlite, postgres(serverUrl)]) {
    const result = await drain(backend, options);
    console.log(
      `${result.backend}: ${result.updatesPerSecond} updates/s (${updates} updates of ${users} users drained by ${workers} workers in ${result.drainSeconds} s; enqueued in ${result.enqueueSeconds} s; users out of order: ${result.outOfOrder})`,
    );
    results.push(result);
  }
  const [s, p] = results;
  const ratio = round(p.updatesPerSecond / s.updatesPerSecond);
  console.log(
    `postgres / sqlite: ${ratio}; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
  );
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(
    values.out!,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), options, cores: availableParallelism(), loadAverage: round(loadavg()[0]), results, postgresOverSqlite: ratio }, null, 2)}\n`,
  );
  console.log(`wrote ${values.out}`);
}

await main();
