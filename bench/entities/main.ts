/**
 * Entities the no-LLM path finds in LoCoMo turns: per conversation, the entities the memory map
 * holds after every turn is indexed in dialogue order (as the benchmark ingests them), and an
 * evenly spaced sample of 50 entities with the id of the first turn that named each (the files
 * hold no dataset text: look the turn up in the dataset), to be judged by hand.
 *   npm run bench:entities -- [--input file] [--out bench/results/entities-sample-en.json] [--sample 50]
 * A sample file that already holds judgements keeps them for the entities it samples again.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { detectEntities } from "../../src/memory/entities/detect.js";
import { EntityIndex } from "../../src/memory/entities/entity-index.js";
import { mentionKey } from "../../src/memory/entities/names.js";
import type { EntityRecord } from "../../src/memory/entities/types.js";
import { InMemoryEntityStore } from "../../src/stores/in-memory/entities.js";
import { parseLocomo } from "../lib/locomo.js";
import { sessionDocs } from "../locomo/documents.js";

interface Sampled {
  conversation: string;
  name: string;
  kind: string;
  aliases: string[];
  /**
   * The LoCoMo dia_id of the first turn linked to it (for a name only ever addressed, the first turn with the name).
   */
  firstTurn: string;
  /** Filled in by hand: is this a real entity the text is about (person, pet, place, ...)? */
  correct: boolean | null;
  note?: string;
}

const { values } = parseArgs({
  options: {
    input: { type: "string", default: "../shared/data/locomo/locomo-dev.json" },
    out: { type: "string", default: "bench/results/entities-sample-en.json" },
    sample: { type: "string", default: "50" },
  },
});
const data = parseLocomo(JSON.parse(readFileSync(resolve(values.input!), "utf8")));
const perConversation: {
  conversation: string;
  turns: number;
  entities: number;
  byKind: Record<string, number>;
  relations: number;
}[] = [];
const all: Omit<Sampled, "correct">[] = [];
for (const conv of data.conversations) {
  const store = new InMemoryEntityStore();
  const index = new EntityIndex(store);
  const userId = conv.id;
  const firstTurn = new Map<string, string>();
  let turns = 0;
  for (const session of sessionDocs(conv, "turns")) {
    const memories = session.docs.map((d) => ({ memoryId: d.sourceIds.join(","), text: d.text }));
    await index.record(userId, memories, session.time);
    turns += memories.length;
    const links = await store.entitiesOfMemories(
      userId,
      memories.map((m) => m.memoryId),
    );
    for (const m of memories)
      for (const id of links.get(m.memoryId) ?? []) if (!firstTurn.has(id)) firstTurn.set(id, m.memoryId);
  }
  const entities = await store.entities(userId);
  const byKind: Record<string, number> = {};
  for (const e of entities) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
  perConversation.push({
    conversation: conv.id,
    turns,
    entities: entities.length,
    byKind,
    relations: (await store.relations(userId, { includeHistory: true })).length,
  });
  // A name only ever addressed ("Thanks, Mel!") links no
  // turn: the first turn with the name in it shows it to the judge.
  const docs = sessionDocs(conv, "turns").flatMap((s) => s.docs);
  const names = entities.map((e) => e.name);
  const turnNaming = (e: EntityRecord) =>
    docs
      .find((d) => detectEntities(d.text, names).entities.some((m) => e.aliases.includes(mentionKey(m))))
      ?.sourceIds.join(",") ?? "";
  for (const e of entities)
    all.push({
      conversation: conv.id,
      name: e.name,
      kind: e.kind,
      aliases: e.aliases,
      firstTurn: firstTurn.get(e.id) ?? turnNaming(e),
    });
}
const wanted = Number(values.sample);
const step = all.length / wanted;
const out = resolve(values.out!);
const previous: Sampled[] = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")).sample ?? []) : [];
const judged = new Map(previous.map((s) => [`${s.conversation}\u0000${s.name}`, s]));
const sample: Sampled[] = Array.from({ length: Math.min(wanted, all.length) }, (_, i) => {
  const e = all[Math.floor(i * step)];
  const had = judged.get(`${e.conversation}\u0000${e.name}`);
  return { ...e, correct: had?.correct ?? null, ...(had?.note ? { note: had.note } : {}) };
});
const decided = sample.filter((s) => s.correct !== null);
const precision = decided.length ? decided.filter((s) => s.correct).length / decided.length : null;
writeFileSync(
  out,
  JSON.stringify({ input: values.input, perConversation, judged: decided.length, precision, sample }, null, 2) + "\n",
);
console.table(perConversation.map(({ byKind, ...rest }) => ({ ...rest, ...byKind })));
console.log(
  `sample of ${sample.length} written to ${out}; judged ${decided.length}, precision ${precision ?? "not judged yet"}`,
);
