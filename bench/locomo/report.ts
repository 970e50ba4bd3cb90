import type { LocomoRunResult, SystemResult } from "./runner.js";

const pad = (s: string, n: number) => s.padEnd(n);
const num = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits));

/** A plain-text table of the run: recall@k, recall@10 by category, latency, context tokens. */
export function formatSummary(result: LocomoRunResult, ks: number[]): string {
  const categories = Object.keys(result.questionsByCategory).sort();
  const headK = ks.includes(10) ? 10 : ks[ks.length - 1];
  const header = [
    pad("system", 12),
    ...ks.map((k) => pad(`R@${k}`, 7)),
    ...categories.map((c) => pad(`c${c}@${headK}`, 7)),
    pad("p50 ms", 8),
    pad("p95 ms", 8),
    pad("ctx tok", 8),
    "ctx/conv",
  ].join(" ");
  const lines = [
    `\n${result.mode}: ${result.questions} questions, recall ceiling ${result.recallCeiling.toFixed(3)}`,
    header,
  ];
  for (const [name, r] of Object.entries(result.systems)) {
    if ("error" in r) {
      lines.push(`${pad(name, 12)} not run: ${r.error}`);
      continue;
    }
    const s = r as SystemResult;
    lines.push(
      [
        pad(name, 12),
        ...ks.map((k) => pad(num(s.recall[String(k)]), 7)),
        ...categories.map((c) => pad(num(s.byCategory[c]?.[String(headK)]), 7)),
        pad(num(s.searchMs.p50, 2), 8),
        pad(num(s.searchMs.p95, 2), 8),
        pad(num(s.contextTokens.mean, 0), 8),
        num(s.contextTokens.ratio, 3),
      ].join(" "),
    );
  }
  return lines.join("\n");
}
