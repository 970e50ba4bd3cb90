/**
 * Vitest global set-up: starts each test run with no figures and, at the end, prints every figure
 * the fault tests recorded (test/faults/figures.ts) as one table. With FAULT_FIGURES_RESULTS set
 * (`npm run test:faults` sets it), the table is also saved there as JSON.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FIGURES_FILE, type Figure } from "./figures.js";

export function setup(): void {
  rmSync(FIGURES_FILE, { force: true });
}

export function teardown(): void {
  if (!existsSync(FIGURES_FILE)) return;
  const figures = readFileSync(FIGURES_FILE, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Figure & { at: string });
  if (figures.length === 0) return;
  const failing = figures.filter((f) => f.goal !== undefined && f.value !== f.goal);
  const rows = figures.map((f) => {
    const mark = f.goal === undefined ? "" : f.value === f.goal ? "ok" : "MISSED";
    return `  ${f.group.padEnd(14)} ${f.name.padEnd(58)} ${String(f.value).padStart(8)}  ${f.goal === undefined ? "" : `goal ${f.goal} ${mark}`}`;
  });
  console.log(
    [
      "",
      "Fault and isolation figures (from this run):",
      ...rows,
      `  ${failing.length} figure(s) off their goal`,
      "",
    ].join("\n"),
  );
  const out = process.env.FAULT_FIGURES_RESULTS;
  if (out) {
    const path = resolve(import.meta.dirname, "../..", out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify({ ranAt: new Date().toISOString(), figures }, null, 2) + "\n");
    console.log(`Figures saved to ${out}`);
  }
}
