import type { Action } from "../reconcile.js";
import type { MemoryRecord } from "../types.js";
import {
  namesHabit,
  readClauses,
  readSlots,
  remainderDropping,
  remainderWithout,
  type SlotChange,
  spelling,
  valuesOfKind,
} from "./read.js";
import { TOPICS, changedTopics, namesTopic, userTopicClause } from "./topics.js";
import { USER, type SentenceReading, type Slot } from "./types.js";

/** A new fact as the structural layer sees it. */
interface FactToJudge {
  text: string;
  /** Who it is about, when a model said ("user", "sister"). */
  about?: string;
  /** The model's choice, when a model reconciled (checked here both ways); none in rules mode. */
  proposed?: { action: Action; target?: MemoryRecord };
}

/** What happens to one new fact, and why (kept in the memory's history). */
interface Judgement {
  action: Action;
  /** The memory an UPDATE rewrites or a SUPERSEDE closes. */
  target?: MemoryRecord;
  /** Further current memories the fact also supersedes (the same slot stated twice before). */
  alsoCloses: MemoryRecord[];
  /**
   * What of a closed memory still holds, by memory id: "I'm a nurse and I live in Lisbon." closed
   * by a move leaves "I'm a nurse." current.
   */
  remainders: Map<string, string>;
  reason: string;
}

const LABELS: Record<string, string> = {
  residence: "where they live",
  employer: "employer",
  job: "job",
  school: "school",
  relationship: "relationship status",
  diet: "diet",
  age: "age",
  children: "number of children",
  salary: "salary",
};

function label(slot: Slot): string {
  const [kind, key] = slot.attribute.split(":");
  const what = key ? `${kind} ${key}` : (LABELS[kind] ?? kind);
  return slot.subject === USER ? what : `${slot.subject}'s ${what}`;
}

function sameValue(a: string, b: string): boolean {
  return a === b || (a.length >= 2 && b.length >= 2 && (a.includes(b) || b.includes(a)));
}

/** The first slot of `next` that makes `old` no longer true, if any. */
function contradiction(next: Slot[], old: Slot[]): SlotChange | undefined {
  return contradictions(next, old)[0];
}

/** Every slot of `next` that makes one of `old` no longer true, in `next`'s order. */
function contradictions(next: Slot[], old: Slot[]): SlotChange[] {
  const found: SlotChange[] = [];
  for (const n of next) {
    for (const o of old) {
      if (n.subject !== o.subject || n.attribute !== o.attribute) continue;
      // "I no longer live in Lisbon" ends Lisbon (or, with no value, whatever was held).
      const ends = n.negated && !o.negated && (n.value === "" || sameValue(n.value, o.value));
      // "I live in Porto" after "I live in Lisbon"; "I play tennis again" after "I no longer play tennis".
      const replaces = !n.negated && !o.negated && !sameValue(n.value, o.value);
      const resumes = !n.negated && o.negated && (o.value === "" || sameValue(n.value, o.value));
      if (ends || replaces || resumes) found.push({ next: n, old: o });
    }
  }
  return found;
}

/**
 * One change per slot, the first: a memory the reader gives two values of one slot (one of them
 * misread, "…trying to get better at SQL" as an employer) is changed by the new fact in one place.
 */
function firstPerSlot(changes: SlotChange[]): SlotChange[] {
  const seen = new Set<string>();
  return changes.filter(({ old }) => {
    const slot = `${old.subject}|${old.attribute}`;
    return !seen.has(slot) && !!seen.add(slot);
  });
}

function sharesSlot(next: Slot[], old: Slot[]): boolean {
  return next.some((n) => old.some((o) => o.subject === n.subject && o.attribute === n.attribute));
}

function describe(pair: { next: Slot; old: Slot }): string {
  const value = pair.next.negated ? `no longer ${pair.old.value || "so"}` : pair.next.value;
  return `${label(pair.next)}: ${pair.old.negated ? `no longer ${pair.old.value}` : pair.old.value || "?"} → ${value}`;
}

/**
 * Decides (rules mode) or checks (a model's decisions) what a batch of new facts does to the
 * user's current memories: a fact whose slot contradicts a current memory's supersedes it; a fact
 * hedged as a question, a hypothetical, a plan, a story or someone's words supersedes nothing;
 * a model's SUPERSEDE or UPDATE across different subjects or attributes is refused. `candidates`
 * are the current memories worth comparing (slots/candidates.ts), newest last.
 */
export function judgeFacts(facts: FactToJudge[], candidates: MemoryRecord[]): Judgement[] {
  const readings = new Map<string, SentenceReading>();
  const read = (m: MemoryRecord) => {
    let r = readings.get(m.id);
    if (!r) readings.set(m.id, (r = readSlots(m.text, m.about || USER)));
    return r;
  };
  const claimed = new Set<string>();
  const factReadings = facts.map((fact) => readSlots(fact.text, fact.about || USER));
  return facts.map((fact, index) => {
    const reading = factReadings[index];
    const { corrected, topics, ...judged } = judgeOne(
      fact,
      reading,
      candidates.filter((c) => !claimed.has(c.id)),
      read,
    );
    const judgement: Judgement = { ...judged, remainders: new Map() };
    for (const m of [judgement.target, ...judgement.alsoCloses]) if (m && judgement.action !== "ADD") claimed.add(m.id);
    if (judgement.action === "SUPERSEDE" && corrected) {
      // A correction restates the memory with the right value: "…5号回老家的高铁票…" → "…7号…".
      const rest = replaceValue(judgement.target!.text, corrected, reading.correction!.value, fact.text);
      if (rest) judgement.remainders.set(judgement.target!.id, rest);
    } else if (judgement.action === "SUPERSEDE" && topics) {
      // What the closed memories said on other topics stays current.
      for (const m of [judgement.target!, ...judgement.alsoCloses]) {
        const rest = remainderDropping(m.text, (c) => topics.some((t) => namesTopic(c.text, t)));
        if (rest) judgement.remainders.set(m.id, rest);
      }
    } else if (judgement.action === "SUPERSEDE") {
      for (const m of [judgement.target!, ...judgement.alsoCloses]) {
        // This fact's changes, then those the message's other facts make to the same memory: what is
        // left of it must not keep a value another sentence changed ("I work at Acme and I live in
        // Lisbon." closed by a job change while the next fact says "I moved to Berlin"), nor a habit one ended.
        const order = [index, ...facts.keys()].filter((j, at) => at === 0 || j !== index);
        const changes = firstPerSlot(
          order.flatMap((j) => {
            const slots = factReadings[j].slots;
            const found = contradictions(slots, read(m).slots);
            const ended = found.length === 0 ? endedHabit(slots, m, read(m)) : undefined;
            const all = ended ? [ended] : found;
            return j === index ? all : all.map((c) => ({ ...c, text: facts[j].text }));
          }),
        );
        const rest = changes.length > 0 && remainderWithout(m.text, changes, fact.text, m.about || USER);
        if (rest) judgement.remainders.set(m.id, rest);
      }
    }
    return judgement;
  });
}

type Judged = Omit<Judgement, "remainders"> & { corrected?: string; topics?: string[] };

/**
 * `text` with `old` (as written, any case) replaced by
 * `value` as `source` writes it; undefined when `old` is not in it.
 */
function replaceValue(text: string, old: string, value: string, source: string): string | undefined {
  const at = text.toLowerCase().indexOf(old.toLowerCase());
  if (at < 0) return undefined;
  return text.slice(0, at) + (spelling(source, value) ?? value) + text.slice(at + old.length);
}

function judgeOne(
  fact: FactToJudge,
  reading: SentenceReading,
  candidates: MemoryRecord[],
  read: (m: MemoryRecord) => SentenceReading,
): Judged {
  const proposed = fact.proposed;
  // Hedged: every clause of it is a question, a hypothetical, a plan, a story or someone's words.
  const hedged =
    reading.slots.length === 0 && reading.hedges.length > 0 && readClauses(fact.text).clauses.every((c) => c.hedged);
  const contradicted = hedged
    ? []
    : candidates
        .map((m) => ({ m, pair: contradiction(reading.slots, read(m).slots) ?? endedHabit(reading.slots, m, read(m)) }))
        .filter((c) => c.pair);
  const corrected =
    !hedged && contradicted.length === 0 && reading.correction
      ? correctionTarget(reading, candidates, read)
      : undefined;

  if (!proposed || proposed.action === "ADD" || proposed.action === "NONE") {
    if (contradicted.length) {
      const [first, ...rest] = contradicted;
      const why = `${describe(first.pair!)} (structural)`;
      return {
        action: "SUPERSEDE",
        target: first.m,
        alsoCloses: rest.map((r) => r.m),
        reason: proposed ? `the model chose ${proposed.action.toLowerCase()}, but the fact changes ${why}` : why,
      };
    }
    if (corrected) {
      return {
        action: "SUPERSEDE",
        target: corrected.memory,
        alsoCloses: [],
        corrected: corrected.old,
        reason: `a correction: ${corrected.old} → ${reading.correction!.value} (structural)`,
      };
    }
    if (proposed?.action === "NONE")
      return { action: "NONE", alsoCloses: [], reason: "the model found it already known" };
    // Rules alone (no model to ask): a change the slots cannot parse, read by its topic (topics.ts).
    if (!proposed && !hedged && (fact.about || USER) === USER) {
      // A topic the slots read in the fact still ends memories they could not read ("我俩分了" after
      // "男朋友小周下个月生日"); memories they read were compared above and held no other value.
      const topics = changedTopics(fact.text, { withSlots: true });
      const slotted = new Set(topics.filter((t) => reading.slots.some((s) => TOPICS[t].slots.test(s.attribute))));
      const unread = (m: MemoryRecord, t: string) =>
        !slotted.has(t) || !read(m).slots.some((s) => TOPICS[t].slots.test(s.attribute));
      const hits = candidates.filter(
        (m) => (m.about || USER) === USER && topics.some((t) => userTopicClause(m.text, t) && unread(m, t)),
      );
      if (hits.length) {
        const topic = topics.find((t) => userTopicClause(hits[0].text, t) && unread(hits[0], t))!;
        return {
          action: "SUPERSEDE",
          target: hits[0],
          alsoCloses: hits.slice(1),
          topics,
          reason: `${topic} changed (by topic)`,
        };
      }
    }
    const why = hedged
      ? `nothing superseded: ${reading.hedges.join(", ")}`
      : reading.slots.length
        ? "no current memory holds another value"
        : "a new fact";
    return { action: "ADD", alsoCloses: [], reason: proposed ? `the model chose ADD; ${why}` : why };
  }

  if (proposed.action === "DELETE")
    return { action: "DELETE", target: proposed.target, alsoCloses: [], reason: "the user asked to forget it" };

  // The model chose UPDATE or SUPERSEDE of `target`: checked against the slots of both.
  const target = proposed.target!;
  const old = read(target);
  const refuse = (why: string): Judged => {
    const instead = contradicted.find((c) => c.m.id !== target.id);
    if (instead)
      return {
        action: "SUPERSEDE",
        target: instead.m,
        alsoCloses: [],
        reason: `the model's ${proposed.action.toLowerCase()} was refused (${why}); ${describe(instead.pair!)} (structural)`,
      };
    return {
      action: "ADD",
      alsoCloses: [],
      reason: `the model's ${proposed.action.toLowerCase()} was refused: ${why}`,
    };
  };
  if (hedged) return refuse(`the fact is a ${reading.hedges.join(", ")}, not a change`);
  const aboutNew = (fact.about || USER).toLowerCase();
  const aboutOld = (target.about || USER).toLowerCase();
  if (aboutNew !== aboutOld) return refuse(`it is about ${aboutNew}, the memory about ${aboutOld}`);
  const pair = contradiction(reading.slots, old.slots);
  if (pair)
    return {
      action: "SUPERSEDE",
      target,
      alsoCloses: [],
      reason: `${describe(pair)} (the model's ${proposed.action.toLowerCase()}, confirmed)`,
    };
  if (reading.slots.length && old.slots.length) {
    if (!sharesSlot(reading.slots, old.slots)) {
      return refuse(
        `the fact is about ${reading.slots.map(label).join(", ")}, the memory about ${old.slots.map(label).join(", ")}`,
      );
    }
  }
  if (
    reading.slots.some((s) => s.subject !== USER) !== old.slots.some((s) => s.subject !== USER) &&
    reading.slots.length &&
    old.slots.length
  ) {
    return refuse("the fact and the memory are about different people");
  }
  return {
    action: proposed.action,
    target,
    alsoCloses: [],
    reason: `the model's ${proposed.action.toLowerCase()} (no structural objection)`,
  };
}

/**
 * A habit that ended ("I quit caffeine", 戒烟了) against a memory of the user that names its thing
 * without a habit phrase the rules read ("I run on coffee, like 4 cups a day"): the memory is
 * about that habit, so it ends too. Not a memory about someone else, or one that already says no.
 */
function endedHabit(
  next: Slot[],
  memory: MemoryRecord,
  reading: SentenceReading,
): { next: Slot; old: Slot } | undefined {
  for (const n of next) {
    const [kind, key] = n.attribute.split(":");
    // Not a memory about someone else (a pet's own age is about the pet: it goes with it), or one that already says no.
    const others = reading.slots.some(
      (s) => (s.subject !== USER && !(kind === "pet" && s.subject === key)) || s.negated,
    );
    if ((memory.about || USER) !== USER || others) continue;
    // A habit that ended, or a pet that died or is gone (its name, as the user wrote it).
    if ((kind !== "habit" && kind !== "pet") || !n.negated || n.subject !== USER || !key) continue;
    if (namesHabit(memory.text, key))
      return { next: n, old: { subject: USER, attribute: n.attribute, value: key, negated: false } };
  }
  return undefined;
}

/** Attributes whose value is a name: what "I meant Microsoft" / 我是在荣耀 can correct. */
const NAMED = new Set(["employer", "residence", "school", "job", "car"]);

/** "Sorry, I meant Thursday": the newest candidate naming another value of that kind. */
function correctionTarget(
  reading: SentenceReading,
  candidates: MemoryRecord[],
  read: (m: MemoryRecord) => SentenceReading,
): { memory: MemoryRecord; old: string } | undefined {
  const { kind, value, old } = reading.correction!;
  const newest = [...candidates].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  // "I said Milwaukee but I'm actually in Madison": the memory that says what is corrected away.
  if (old) {
    for (const memory of newest) {
      const at = memory.text.toLowerCase().indexOf(old.toLowerCase());
      if (at >= 0) return { memory, old: memory.text.slice(at, at + old.length) };
    }
  }
  for (const memory of newest) {
    const other =
      kind === "name"
        ? read(memory).slots.find(
            (s) => s.subject === USER && NAMED.has(s.attribute) && !s.negated && s.value && s.value !== value,
          )?.value
        : valuesOfKind(memory.text, kind).find((v) => v.value !== value)?.raw;
    if (other) return { memory, old: other };
  }
  return undefined;
}
