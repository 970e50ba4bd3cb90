/**
 * Scale benchmark: ingest rate, search latency (embedding excluded) and process memory for
 * synthetic memories, for one user and for the same total spread over many users, per store.
 * Usage (see BENCHMARKS.md):
 *   npm run bench:scale -- [--sizes 1000,10000,100000] [--users 1,1000] [--stores sqlite,qdrant]
 *                          [--queries 200] [--seed 42] [--out bench/results/scale.json]
 *                          [--baseline <git revision>]
 * With --baseline, every case also runs on that revision's code (a temporary git worktree of it),
 * right before the same case on this tree, and the results give the ratio of the two.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
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
      baseline: { type: "string" },
    },
  });
  const sizes = parseNumberList("sizes", values.sizes!);
  const userCounts = parseNumberList("users", values.users!);
  const queries = parseNumberList("queries", values.queries!)[0];
  const seed = parseNumberList("seed", values.seed!)[0];
  const storeNames = parseChoiceList(
    "stores",
    values.stores!,
    SCALE_STORES.map((s) => s.name),
  );
  const caseScript = fileURLToPath(new URL("./case.ts", import.meta.url));
  const codes: { code: string; caseScript: string }[] = [];
  const baseline = values.baseline ? checkOut(values.baseline) : undefined;
  if (baseline) codes.push({ code: values.baseline!, caseScript: baseline.caseScript });
  codes.push({ code: "this tree", caseScript });

  const results: (ScaleCaseResult & { code: string })[] = [];
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
        for (const { code, caseScript } of codes) {
          const t0 = performance.now();
          console.log(`${kind.name}: ${size} memories over ${users} user(s), ${code}...`);
          // A process per case: its memory figures are its own, not the previous case's leftovers.
          const stdout = execFileSync(
            process.execPath,
            ["--import", "tsx", caseScript, kind.name, String(users), String(size), String(queries), String(seed)],
            {
              encoding: "utf8",
              stdio: ["ignore", "pipe", "inherit"],
              maxBuffer: 16 * 2 ** 20,
            },
          );
          const result = { ...(JSON.parse(stdout.trim().split("\n").pop()!) as ScaleCaseResult), code };
          results.push(result);
          console.log(
            `  ingest ${result.ingest.memoriesPerSec}/s, search p50 ${result.searchMs.p50} ms p95 ${result.searchMs.p95} ms, ` +
              `RSS ${result.rssMB} MB (peak ${result.maxRssMB} MB), first search ${result.firstSearchMs ?? "?"} ms; ` +
              `${((performance.now() - t0) / 1000).toFixed(0)} s`,
          );
        }
      }
    }
  }
  baseline?.remove();

  console.log("\ncode         store    users  memories  ingest/s   p50 ms   p95 ms   RSS MB");
  for (const r of results) {
    console.log(
      `${r.code.slice(0, 12).padEnd(12)} ${r.store.padEnd(8)} ${String(r.users).padStart(5)} ${String(r.memories).padStart(9)} ` +
        `${String(r.ingest.memoriesPerSec).padStart(9)} ${r.searchMs.p50.toFixed(2).padStart(8)} ${r.searchMs.p95.toFixed(2).padStart(8)} ${r.rssMB.toFixed(0).padStart(8)}`,
    );
  }
  const comparison = baseline
    ? results
        .filter((r) => r.code === "this tree")
        .flatMap((r) => {
          const before = results.find(
            (b) =>
              b.code === values.baseline && b.store === r.store && b.users === r.users && b.memories === r.memories,
          );
          if (!before) return [];
          const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
          return [
            {
              store: r.store,
              users: r.users,
              memories: r.memories,
              p50Ratio: ratio(before.searchMs.p50, r.searchMs.p50),
              p95Ratio: ratio(before.searchMs.p95, r.searchMs.p95),
            },
          ];
        })
    : [];
  if (comparison.length) {
    console.log(`\nbaseline ${values.baseline} / this tree (search latency; above 1 = this tree is faster)`);
    for (const c of comparison)
      console.log(`  ${c.store} ${c.users} user(s) ${c.memories}: p50 ${c.p50Ratio}x, p95 ${c.p95Ratio}x`);
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
        baseline: values.baseline ?? null,
        results,
        comparison,
        skipped,
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model ?? "unknown",
          node: process.version,
          platform: process.platform,
        },
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

/** The code of a git revision in a temporary worktree, sharing this tree's installed packages. */
function checkOut(revision: string): { caseScript: string; remove: () => void } {
  const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
  const dir = mkdtempSync(join(tmpdir(), "bench-baseline-"));
  execFileSync("git", ["worktree", "add", "--detach", dir, revision], { stdio: ["ignore", "ignore", "inherit"] });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return {
    caseScript: join(dir, "bench/scale/case.ts"),
    remove: () => execFileSync("git", ["worktree", "remove", "--force", dir], { stdio: "inherit" }),
  };
}
