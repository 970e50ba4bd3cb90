/**
 * Scoring of the fact-change benchmark (main.ts). A scenario's facts are found among the memories
 * by their match words (all present, case-insensitive) and by the turn that stated them: a memory
 * made at a turn's time comes from that turn, so an old fact is told apart from a new sentence
 * that repeats its words ("I no longer live in Lisbon, I live in Porto").
 */

export interface ScenarioFact {
  id: string;
  turn: number;
  match: string[];
}

export interface Scenario {
  id: string;
  kind: "change" | "distractor";
  topic: string;
  turns: string[];
  facts: ScenarioFact[];
  changes: { old: string; new: string | null }[];
  keep: string[];
}

/** A memory as the benchmark reads it: its text, the turn that made it, and whether it holds now. */
export interface MemoryView {
  text: string;
  turn: number;
  current: boolean;
}

export interface ScenarioOutcome {
  id: string;
  kind: Scenario["kind"];
  topic: string;
  /** Per change: superseded (old not current, new current), or still current. */
  changes: { old: string; new: string | null; superseded: boolean; staleCurrent: boolean; oldStored: boolean }[];
  /** Per fact that had to stay: closed when it was stored and no current memory holds it. */
  kept: { id: string; stored: boolean; closed: boolean }[];
  stored: { id: string; stored: boolean }[];
}

const holds = (m: MemoryView, fact: ScenarioFact) =>
  fact.match.every((w) => m.text.toLowerCase().includes(w.toLowerCase()));

export function scoreScenario(scenario: Scenario, memories: MemoryView[]): ScenarioOutcome {
  const fact = (id: string) => scenario.facts.find((f) => f.id === id)!;
  // A fact counts as stored when a memory holds it that was made at its turn or later (restated).
  const storedAt = (f: ScenarioFact) => memories.filter((m) => m.turn >= f.turn && holds(m, f));
  const changes = scenario.changes.map((c) => {
    const old = fact(c.old);
    const next = c.new ? fact(c.new) : undefined;
    // A change with no new fact ("I no longer play tennis") happens after the turn that stated the old.
    const changeTurn = next?.turn ?? old.turn + 1;
    // The old fact: memories that hold it, made before the turn that changed it.
    const olds = memories.filter((m) => m.turn >= old.turn && m.turn < changeTurn && holds(m, old));
    const staleCurrent = olds.some((m) => m.current);
    const newCurrent = next ? memories.some((m) => m.current && m.turn >= next.turn && holds(m, next)) : true;
    return {
      old: c.old,
      new: c.new,
      superseded: olds.length > 0 && !staleCurrent && newCurrent,
      staleCurrent,
      oldStored: olds.length > 0,
    };
  });
  const kept = scenario.keep.map((id) => {
    const f = fact(id);
    const found = storedAt(f);
    return { id, stored: found.length > 0, closed: found.length > 0 && !found.some((m) => m.current) };
  });
  const stored = scenario.facts.map((f) => ({ id: f.id, stored: storedAt(f).length > 0 }));
  return { id: scenario.id, kind: scenario.kind, topic: scenario.topic, changes, kept, stored };
}

export interface LanguageSummary {
  scenarios: number;
  changes: number;
  /** Old fact no longer current and new fact current, over all changes. */
  supersedeRecall: number;
  /** Old fact still current, over all changes. */
  staleCurrent: number;
  /** A fact that had to stay was closed, over the facts to keep that were stored. */
  falseSupersede: number;
  /** Facts stored, over all facts the scenarios state. */
  storeRate: number;
  /** Changes whose old fact was never stored (nothing to supersede). */
  oldNeverStored: number;
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 1000);

export function summarise(outcomes: ScenarioOutcome[]): LanguageSummary {
  const changes = outcomes.flatMap((o) => o.changes);
  const kept = outcomes.flatMap((o) => o.kept).filter((k) => k.stored);
  const stored = outcomes.flatMap((o) => o.stored);
  return {
    scenarios: outcomes.length,
    changes: changes.length,
    supersedeRecall: ratio(changes.filter((c) => c.superseded).length, changes.length),
    staleCurrent: ratio(changes.filter((c) => c.staleCurrent).length, changes.length),
    falseSupersede: ratio(kept.filter((k) => k.closed).length, kept.length),
    storeRate: ratio(stored.filter((s) => s.stored).length, stored.length),
    oldNeverStored: changes.filter((c) => !c.oldStored).length,
  };
}
