import { randomUUID } from "node:crypto";
import { entityKey, isTranscriptionVariant, mentionKey, roleKey } from "./names.js";
import {
  USER_ENTITY,
  type DetectedEntities,
  type EntityMention,
  type EntityRecord,
  type EntityRelation,
} from "./types.js";

/** Relations a subject holds with one object at a time: a new one closes the old (moved, changed job). */
const ONE_AT_A_TIME = new Set(["lives in", "works at", "studies at", "married to"]);

/** What resolving a batch of memories' mentions changed, for the store to write. */
export interface ResolvedChanges {
  entities: EntityRecord[];
  /** A role entity ("my sister") folded into the named one ("Melanie"): its links move, it goes. */
  merged: { from: string; into: string }[];
  relations: EntityRelation[];
  links: { memoryId: string; entityIds: string[] }[];
}

/**
 * Turns the mentions of a user's new memories into that user's entities: one entity per key
 * (names.ts), an alias for each new spelling, a role linked to the name once the text gives both
 * ("my sister Melanie": "my sister" then resolves to Melanie, and an earlier "my sister" entity
 * is merged into hers), a Chinese transcription variant (梅拉妮 for 梅兰妮) taken as the same
 * person, and relations whose one-at-a-time kinds supersede the previous one.
 */
export class EntityResolver {
  private readonly byKey = new Map<string, EntityRecord>();
  private readonly changed = new Map<string, EntityRecord>();
  private readonly merged: ResolvedChanges["merged"] = [];
  private readonly relationsOut = new Map<string, EntityRelation>();
  private readonly links: ResolvedChanges["links"] = [];

  constructor(
    private readonly userId: string,
    entities: EntityRecord[],
    private readonly current: EntityRelation[],
    private readonly time: string,
    /** The memories superseded by this write: the relations they stated end (see EntityIndex.record). */
    private readonly closedMemories?: ReadonlySet<string>,
  ) {
    for (const e of entities) for (const a of e.aliases) this.byKey.set(a, e);
    if (closedMemories?.size) {
      for (const r of current) {
        if (r.validTo === null && r.memoryId && closedMemories.has(r.memoryId))
          this.relationsOut.set(r.id, { ...r, validTo: time });
      }
    }
  }

  /** The names the user's entities go by, for the extractor to find them without cues. */
  knownNames(): string[] {
    const names = new Set<string>();
    for (const e of this.byKey.values()) if (!e.aliases[0]?.startsWith("role:")) names.add(e.name);
    return [...names];
  }

  resolve(memoryId: string, found: DetectedEntities): string[] {
    const ids = new Map<string, string>();
    const addressed = new Map<string, string>();
    for (const m of found.entities) (m.addressed ? addressed : ids).set(m.name, this.entityFor(m).id);
    // The speaker of a transcript line, or the user: relations end there.
    const endpoint = (name: string) =>
      name === USER_ENTITY
        ? USER_ENTITY
        : (ids.get(name) ?? addressed.get(name) ?? this.entityFor({ name, kind: "person" }).id);
    for (const r of found.relations) this.relate(endpoint(r.from), r.type, endpoint(r.to), memoryId);
    const entityIds = [...new Set(ids.values())];
    this.links.push({ memoryId, entityIds });
    return entityIds;
  }

  changes(): ResolvedChanges {
    return {
      entities: [...this.changed.values()],
      merged: this.merged,
      relations: [...this.relationsOut.values()],
      links: this.links,
    };
  }

  private entityFor(m: EntityMention): EntityRecord {
    const key = mentionKey(m);
    const named = !key.startsWith("role:");
    let entity = this.byKey.get(key) ?? (named && m.kind === "person" ? this.variantOf(key) : undefined);
    if (!entity) {
      entity = {
        id: randomUUID(),
        userId: this.userId,
        name: displayName(m),
        kind: m.kind,
        aliases: [key],
        createdAt: this.time,
        updatedAt: this.time,
      };
      this.remember(entity, key);
    } else if (!entity.aliases.includes(key)) {
      this.remember({ ...entity, aliases: [...entity.aliases, key], updatedAt: this.time }, key);
      entity = this.byKey.get(key)!;
    }
    if (named && m.role) entity = this.linkRole(entity, roleKey(m.role, m.of));
    return entity;
  }

  /** "my sister Melanie": the role now names Melanie; an entity that was only "my sister" joins hers. */
  private linkRole(entity: EntityRecord, role: string): EntityRecord {
    const holder = this.byKey.get(role);
    if (holder?.id === entity.id) return entity;
    if (holder && holder.aliases.every((a) => a.startsWith("role:"))) {
      this.merged.push({ from: holder.id, into: entity.id });
      this.changed.delete(holder.id);
      const joined = { ...entity, aliases: [...new Set([...entity.aliases, ...holder.aliases])], updatedAt: this.time };
      for (const a of joined.aliases) this.byKey.set(a, joined);
      this.changed.set(joined.id, joined);
      return joined;
    }
    // A role another named entity already holds (a second sister) stays with the first: no guess.
    if (holder) return entity;
    this.remember({ ...entity, aliases: [...entity.aliases, role], updatedAt: this.time }, role);
    return this.byKey.get(role)!;
  }

  private variantOf(key: string): EntityRecord | undefined {
    for (const [alias, e] of this.byKey) if (e.kind === "person" && isTranscriptionVariant(alias, key)) return e;
    return undefined;
  }

  private remember(entity: EntityRecord, key: string): void {
    for (const a of entity.aliases) this.byKey.set(a, entity);
    this.byKey.set(key, entity);
    this.changed.set(entity.id, entity);
  }

  private relate(fromId: string, type: string, toId: string, memoryId: string): void {
    if (fromId === toId) return;
    const latest = new Map(this.current.map((r) => [r.id, r]));
    for (const r of this.relationsOut.values()) latest.set(r.id, r);
    const all = [...latest.values()].filter((r) => r.validTo === null && r.fromId === fromId && r.type === type);
    if (all.some((r) => r.toId === toId)) return;
    const relation: EntityRelation = {
      id: randomUUID(),
      userId: this.userId,
      fromId,
      type,
      toId,
      memoryId,
      validFrom: this.time,
      validTo: null,
      supersededBy: null,
    };
    if (this.closedMemories) {
      // Following the memories: a relation of a memory this write superseded points to its successor.
      for (const r of this.relationsOut.values()) {
        if (r.validTo === this.time && r.supersededBy === null && r.fromId === fromId && r.type === type)
          this.relationsOut.set(r.id, { ...r, supersededBy: relation.id });
      }
    } else if (ONE_AT_A_TIME.has(type)) {
      for (const old of all) this.relationsOut.set(old.id, { ...old, validTo: this.time, supersededBy: relation.id });
    }
    this.relationsOut.set(relation.id, relation);
  }
}

function displayName(m: EntityMention): string {
  const isRole = m.role && entityKey(m.name) === entityKey(m.role);
  if (!isRole) return m.name;
  if (/\p{Script=Han}/u.test(m.role!)) return `${m.of ?? "我"}的${m.role}`;
  return m.of ? `${m.of}'s ${m.role}` : `my ${m.role}`;
}
