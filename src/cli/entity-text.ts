/** The memory map as text for a person: the `memories` CLI and the terminal chat print the same. */
import type { entityTimeline, listEntities } from "../memory/entities/map.js";

type Entities = Awaited<ReturnType<typeof listEntities>>;
type Timeline = Awaited<ReturnType<typeof entityTimeline>>;

export function entitiesText(entities: Entities, userId: string): string {
  if (!entities.length) return `no entities for ${userId}`;
  return (
    entities.map((e) => `${String(e.memories).padStart(4)}  ${e.name}  (${e.kind})`).join("\n") +
    `\n${entities.length} entities`
  );
}

export function entityText(timeline: Timeline): string {
  const { entity } = timeline;
  return [
    `${entity.name} (${entity.kind}), ${timeline.memories.length} memories`,
    ...timeline.relations.map(
      (r) =>
        `  ${r.fromName} ${r.fromName === "you" ? youForm(r.type) : r.type} ${r.toName}${r.validTo ? `  (until ${r.validTo.slice(0, 10)})` : ""}`,
    ),
    ...timeline.memories.map(
      (m) => `${(m.eventTime ?? m.createdAt).slice(0, 10)}  ${m.text}${m.validTo ? "  [superseded]" : ""}`,
    ),
  ].join("\n");
}

/**
 * "you live in", "you work at", "you are married to": a
 * relation's verb as "you" takes it (stored as for anyone: "lives in").
 */
export function youForm(type: string): string {
  const [first, ...rest] = type.split(" ");
  const verb = first.endsWith("ies")
    ? `${first.slice(0, -3)}y`
    : /[^su]s$/.test(first)
      ? first.slice(0, -1)
      : undefined;
  return verb ? [verb, ...rest].join(" ") : `are ${type}`;
}
