import { detectChinese } from "./detect-zh.js";
import { detectEnglish } from "./detect-en.js";
import { entityKey, saysMore } from "./names.js";
import { USER_ENTITY, type DetectedEntities, type EntityMention } from "./types.js";

const HAN = /\p{Script=Han}/u;
/** "Caroline: …" / "梅兰妮：…" opening a line: a transcript names its speaker, and "my"/"我" is theirs. */
const SPEAKER_LABEL =
  /^\s*(\p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’-]+)?|\p{Script=Han}{2,5})\s*[:：]\s+|^\s*(\p{Script=Han}{2,5})\s*[：:]\s*/u;

/**
 * The deterministic entity extractor of the no-LLM path (`infer: false`, imports, benchmarks):
 * English by capitalisation and cues, Chinese by context (detect-en.ts, detect-zh.ts); `known`
 * holds the names the user's entities already have, so a name once learned is found anywhere,
 * even where no cue stands next to it.
 */
export function detectEntities(text: string, known: Iterable<string> = []): DetectedEntities {
  const knownKeys = new Set<string>();
  const knownNames: string[] = [];
  for (const name of known) {
    knownKeys.add(entityKey(name));
    knownNames.push(name);
  }
  const isKnown = (name: string) => knownKeys.has(entityKey(name));
  const out: DetectedEntities = { entities: [], relations: [] };
  for (const line of text.split(/\n+/)) {
    if (!line.trim()) continue;
    const label = SPEAKER_LABEL.exec(line);
    const speaker = label ? (label[1] ?? label[2]) : undefined;
    const owner = speaker ?? USER_ENTITY;
    const body = label ? line.slice(label[0].length) : line;
    if (speaker) out.entities.push({ name: speaker, kind: "person" });
    const found = HAN.test(body)
      ? detectChinese(body, owner, isKnown, knownNames)
      : detectEnglish(body, owner, isKnown);
    out.entities.push(...found.entities);
    out.relations.push(...found.relations);
  }
  return { entities: uniqueMentions(out.entities), relations: out.relations };
}

function uniqueMentions(list: EntityMention[]): EntityMention[] {
  const seen = new Map<string, EntityMention>();
  for (const m of list) {
    const key = `${entityKey(m.name)}\u0000${m.of ?? ""}`;
    if (saysMore(m, seen.get(key))) seen.set(key, m);
  }
  return [...seen.values()];
}
