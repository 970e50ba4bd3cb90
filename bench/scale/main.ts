/**
 * Scale benchmark: ingest rate, search latency (embedding excluded) and process memory for
 * synthetic memories, for one user and for the same total spread over many users, per store.
 * Usage (see BENCHMARKS.md):
 *   npm run bench:scale -- [--sizes 1000,10000,100000] [--users 1,1000] [--stores sqlite,qdrant]
 *                          [--queries 200] [--seed 42] [--out bench/results/scale.json]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseChoiceList, parseNumberList } from "../lib/args.js";
import type { ScaleCaseResult } from "./case.js";
import { SCALE_STORES } from "./stores.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "1000,10000,100000" },
      users: { type: "string", default: "1,1000" },
      stores: { type: "string", default: SCALE_STORES.map((s) => s.name).join(",") },
      queries: { type: "string", default: "200" },
      seed: { type: "string", default: "42" },
      out: { type: "string", default: "bench/results/scale.json" },
    },
  });
  const sizes = parseNumberList("sizes", values.sizes!);
  const userCounts = parseNumberList("users", values.users!);
  const queries = parseNumberList("queries", values.queries!)[0];
  const seed = parseNumberList("seed", values.seed!)[0];
  const storeNames = parseChoiceList("stores", values.stores!, SCALE_STORES.map((s) => s.name));
  const caseScript = fileURLToPath(new URL("./case.ts", import.meta.url));

  const results: ScaleCaseResult[] = [];
  const skipped: Record<string, string> = {};
  for (const kind of SCALE_STORES.filter((s) => storeNames.includes(s.name))) {
    const reason = await kind.unavailable();
    if (reason) {
      skipped[kind.name] = reason;
      console.log(`${kind.name}: skipped: ${reason}`);
      continue;
    }
    for (const users of userCounts) {
      for (const size of sizes) {
        const t0 = performance.now();
        console.log(`${kind.name}: ${size} memories over ${users} user(s)...`);
        // A process per case: its memory figures are its own, not the previous case's leftovers.
        const stdout = execFileSync(process.execPath, ["--import", "tsx", caseScript, kind.name, String(users), String(size), String(queries), String(seed)], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
          maxBuffer: 16 * 2 ** 20,
        });
        const result = JSON.parse(stdout.trim().split("\n").pop()!) as ScaleCaseResult;
        results.push(result);
        console.log(
          `  ingest ${result.ingest.memoriesPerSec}/s, search p50 ${result.searchMs.p50} ms p95 ${result.searchMs.p95} ms, ` +
            `RSS ${result.rssMB} MB (peak ${result.maxRssMB} MB); ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
      }
    }
  }

  console.log("\nstore    users  memories  ingest/s   p50 ms   p95 ms   RSS MB");
  for (const r of results) {
    console.log(
      `${r.store.padEnd(8)} ${String(r.users).padStart(5)} ${String(r.memories).padStart(9)} ${String(r.ingest.memoriesPerSec).padStart(9)} ` +
        `${r.searchMs.p50.toFixed(2).padStart(8)} ${r.searchMs.p95.toFixed(2).padStart(8)} ${r.rssMB.toFixed(0).padStart(8)}`,
    );
  }
  const out = resolve(values.out!);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: "scale",
        seed,
        queriesPerCase: queries,
        dims: 512,
        notes: [
          "synthetic English and Chinese facts from templates, random unit vectors: no model call, embedding cost excluded by design",
          "search: engine.search (hybrid BM25 + vector, recency, time phrases), limit 10, one query at a time, 20 warm-up queries not counted",
          "ingest: engine.add with infer: false, 500 facts per call; rssMB after the searches, in a process per case",
        ],
        results,
        skipped,
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", node: process.version, platform: process.platform },
        timestamp: new Date().toISOString(),
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`wrote ${out}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
