import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The figures the fault tests report (users and attempts, leaks, facts lost, duplicates, crashes).
 * Each test records what it counted; `npm run test:faults` prints them all as one table at the
 * end (test/faults/report.ts) and keeps them in bench/results/faults.json. Under plain `npm test`
 * the figures are written too, so the numbers always come from the run that just passed.
 */
export interface Figure {
  /** Which test counted it, e.g. "isolation". */
  group: string;
  /** What was counted, e.g. "cross-user reads". */
  name: string;
  value: number;
  /** The value the guarantee requires (usually 0), when there is one. */
  goal?: number;
}

export const FIGURES_FILE = resolve(
  import.meta.dirname,
  "../..",
  process.env.FAULT_FIGURES_FILE ?? "test-results/fault-figures.jsonl",
);

export function recordFigure(figure: Figure): void {
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, JSON.stringify({ ...figure, at: new Date().toISOString() }) + "\n");
  const goal = figure.goal === undefined ? "" : ` (goal ${figure.goal})`;
  console.log(`[figure] ${figure.group}: ${figure.name} = ${figure.value}${goal}`);
}
