/**
 * Fact-change benchmark: conversations in which a fact about the user changes (a move, a new job,
 * "I no longer play tennis", 说错了，是周四) or only seems to (a sister who moves, "if I moved to
 * Paris"), each user message sent through the memory update a chat turn makes (the queue worker
 * → extraction → reconciliation → store), with the product's default models unless --model says
 * otherwise. Prints, per language, supersede recall, stale-current and false-supersede rates,
 * store rate and seconds per turn; writes a results file.
 *   npm run bench:factchange -- [--model provider:model] [--langs en,zh] [--scenarios DIR] [--limit N] [--out FILE]
 * Scoring: score.ts. The scenarios (bench/factchange/scenarios-*.json) are the development set.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { createRuntime } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { latencySummary } from "../lib/metrics.js";
import { scoreScenario, summarise, type MemoryView, type Scenario, type ScenarioOutcome } from "./score.js";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    langs: { type: "string", default: "en,zh" },
    scenarios: { type: "string", default: "bench/factchange" },
    limit: { type: "string" },
    out: { type: "string" },
  },
});
const langs = values
  .langs!.split(",")
  .map((l) => l.trim())
  .filter(Boolean);
const tag = values.model ? values.model.replace(/[^\w.-]+/g, "-") : "default";
const out = values.out ?? `bench/results/factchange-${tag}.json`;
const dataDir = mkdtempSync(join(tmpdir(), "factchange-"));
const env: Record<string, string | undefined> = {
  ...process.env,
  DATA_DIR: dataDir,
  MEMORY_UPDATE_MODE: "inline",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
};
if (values.model) {
  env.CHAT_MODEL = values.model;
  env.MEMORY_MODEL = values.model;
}
let lastProgress = "";
const onModelProgress = (m: string) => {
  // One line per model and tenth, not one per percent.
  const line = m.replace(/(\d)\d%$/, "$10%");
  if (line !== lastProgress) process.stderr.write(`${(lastProgress = line)}\n`);
};
const runtime = createRuntime(loadSettings(env), { onModelProgress });
const engine = await runtime.memory();
runtime.startMemoryWorker();
const start = Date.parse("2026-03-02T09:00:00.000Z");
const results: Record<string, unknown> = {};
try {
  for (const lang of langs) {
    const all: Scenario[] = JSON.parse(readFileSync(join(values.scenarios!, `scenarios-${lang}.json`), "utf8"));
    const scenarios = values.limit ? all.slice(0, Number(values.limit)) : all;
    const outcomes: ScenarioOutcome[] = [];
    const seconds: number[] = [];
    const operations: Record<string, number> = {};
    const failures: string[] = [];
    for (const [n, scenario] of scenarios.entries()) {
      const userId = `factchange-${scenario.id}`;
      const turnTimes: number[] = [];
      for (const [i, text] of scenario.turns.entries()) {
        // Turns two days apart: each memory's time says which turn made it.
        const time = new Date(start + (n * 10 + i * 2) * 86_400_000);
        turnTimes.push(time.getTime());
        const began = performance.now();
        const result = await runtime.memoryWorker.run([{ role: "user", content: text }], {
          userId,
          time: time.toISOString(),
          threadId: userId,
          sourceId: `${scenario.id}-${i}`,
        });
        seconds.push((performance.now() - began) / 1000);
        if (result.status !== "stored")
          failures.push(`${scenario.id} turn ${i}: ${result.status} ${result.error ?? ""}`);
        for (const c of result.changes ?? []) operations[c.operation] = (operations[c.operation] ?? 0) + 1;
      }
      // Current as the product would say right after the last turn: not closed, not expired.
      const end = turnTimes.at(-1)! + 3_600_000;
      const memories: MemoryView[] = (await engine.list({ userId, includeHistory: true })).map((m) => {
        const made = Date.parse(m.createdAt);
        const expired = m.expiresAt !== null && Date.parse(m.expiresAt) <= end;
        return { text: m.text, turn: turnTimes.findIndex((t) => t === made), current: m.validTo === null && !expired };
      });
      const outcome = scoreScenario(scenario, memories);
      outcomes.push(outcome);
      const changed = outcome.changes
        .map((c) => (c.superseded ? "superseded" : c.staleCurrent ? "STALE" : "missed"))
        .join(",");
      const closed = outcome.kept.filter((k) => k.closed).map((k) => k.id);
      process.stderr.write(
        `\r${lang} ${n + 1}/${scenarios.length} ${scenario.id} ${scenario.kind}: ${changed || "-"}${closed.length ? ` CLOSED ${closed.join(",")}` : ""}\n`,
      );
    }
    const summary = summarise(outcomes);
    const latency = latencySummary(seconds.map((s) => s * 1000));
    const secondsPerTurn = { p50: Math.round(latency.p50) / 1000, p95: Math.round(latency.p95) / 1000 };
    results[lang] = { ...summary, secondsPerTurn, operations, failures, outcomes };
    console.log(
      `${lang}: supersede recall ${summary.supersedeRecall} (${summary.changes} changes), stale-current ${summary.staleCurrent}, ` +
        `false-supersede ${summary.falseSupersede}, store rate ${summary.storeRate}, old fact never stored ${summary.oldNeverStored}, ` +
        `s/turn p50 ${secondsPerTurn.p50} p95 ${secondsPerTurn.p95}, operations ${JSON.stringify(operations)}${failures.length ? `, ${failures.length} failed turns` : ""}`,
    );
  }
} finally {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      model: values.model ?? "default local models",
      scenarios: values.scenarios,
      results,
    },
    null,
    2,
  ) + "\n",
);
console.log(`wrote ${out}`);
