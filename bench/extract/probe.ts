/**
 * Extraction probe: each local model (and style) extracts the facts of 50 short user turns, half
 * Chinese, half English, 10 with nothing to store; prints valid-output rate, recall, precision,
 * false memories, language kept and seconds per turn, and writes bench/results/extract-probe.json.
 *   npm run bench:probe -- [--models llama-cpp:models/a.gguf,openai:gpt-4o-mini] [--styles facts,quotes]
 *                          [--limit N] [--out file.json]
 * The scoring rules are in probe-score.ts. A baseline row keeps every candidate sentence (no model).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { loadSettings } from "../../src/config/settings.js";
import { candidateSentences, extractFacts, type ExtractionStyle } from "../../src/memory/extract.js";
import { MalformedOutputError } from "../../src/memory/structured.js";
import { createChatModel } from "../../src/models/chat.js";
import { parseChoiceList } from "../lib/args.js";
import { latencySummary } from "../lib/metrics.js";
import { scoreProbe, type ProbeTurn, type TurnOutcome } from "./probe-score.js";

const { values } = parseArgs({
  options: {
    models: {
      type: "string",
      default: "llama-cpp:models/gemma-3-270m-q4_k_m.gguf,llama-cpp:models/SmolLM2-135M-Instruct.Q4_1.gguf",
    },
    styles: { type: "string", default: "facts,quotes" },
    limit: { type: "string" },
    out: { type: "string", default: "bench/results/extract-probe.json" },
  },
});
const turns: ProbeTurn[] = JSON.parse(readFileSync(new URL("./probe-set.json", import.meta.url), "utf8")).turns;
const chosen = values.limit ? turns.filter((_, i) => i % Math.ceil(turns.length / Number(values.limit)) === 0) : turns;
const styles = parseChoiceList<ExtractionStyle>("styles", values.styles!, ["facts", "quotes"]);
const time = "2026-06-15T10:00:00.000Z";

const results = [];
// The baseline a model's judgment must beat: every sentence the quotes style would offer it.
{
  const outcomes: TurnOutcome[] = chosen.map((turn) => ({ turn, stored: candidateSentences(turn.text), seconds: 0 }));
  const score = scoreProbe(outcomes);
  results.push({
    model: "none: every candidate sentence",
    style: "quotes",
    ...score,
    secondsPerTurn: { p50: 0, p95: 0, mean: 0 },
    outcomes,
  });
  console.log(
    `baseline, every candidate sentence kept: recall ${score.recall} precision ${score.precision} false memories ${score.falseMemories} (${score.turnsWithFalseMemories} turns)`,
  );
}
for (const spec of values
  .models!.split(",")
  .map((s) => s.trim())
  .filter(Boolean)) {
  const model = await createChatModel(loadSettings({ ...process.env, CHAT_MODEL: spec }));
  for (const style of styles) {
    const outcomes: TurnOutcome[] = [];
    for (const [i, turn] of chosen.entries()) {
      const started = performance.now();
      let stored: string[] | null;
      try {
        stored = (await extractFacts(model, { userText: turn.text, time }, { style })).map((f) => f.text);
      } catch (error) {
        if (!(error instanceof MalformedOutputError)) throw error;
        stored = null;
      }
      const seconds = (performance.now() - started) / 1000;
      outcomes.push({ turn, stored, seconds });
      process.stderr.write(`\r${spec} ${style}: ${i + 1}/${chosen.length} turns`);
    }
    process.stderr.write("\n");
    const latency = latencySummary(outcomes.map((o) => o.seconds * 1000));
    const score = scoreProbe(outcomes);
    results.push({
      model: spec,
      style,
      ...score,
      secondsPerTurn: { p50: latency.p50 / 1000, p95: latency.p95 / 1000, mean: latency.mean / 1000 },
      outcomes,
    });
    console.log(
      `${spec} [${style}] valid ${score.validOutputRate} recall ${score.recall} precision ${score.precision} ` +
        `false memories ${score.falseMemories} (${score.turnsWithFalseMemories} turns) language kept ${score.languageKept} ` +
        `s/turn p50 ${(latency.p50 / 1000).toFixed(2)} p95 ${(latency.p95 / 1000).toFixed(2)}`,
    );
  }
}
mkdirSync(dirname(values.out!), { recursive: true });
writeFileSync(
  values.out!,
  JSON.stringify({ date: new Date().toISOString(), turns: chosen.length, results }, null, 2) + "\n",
);
console.log(`wrote ${values.out}`);
