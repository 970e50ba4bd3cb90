import type { ListMemoriesOptions } from "../api.js";
import type { EntityIndex } from "./entity-index.js";
import type { MemoryRecord } from "../types.js";
import { entityKey } from "./names.js";
import { USER_ENTITY, type EntityKind, type EntityRecord, type EntityRelation } from "./types.js";
import { AppError } from "../../util/errors.js";

/** What the memory map reads of the engine (MemoryEngine is one): its entity index and the memories. */
interface MemorySource {
  readonly entities?: EntityIndex;
  init(): Promise<void>;
  list(options: ListMemoriesOptions): Promise<MemoryRecord[]>;
}

export interface EntitySummary {
  id: string;
  name: string;
  kind: EntityKind;
  aliases: string[];
  /** Memories (current and superseded) that name it. */
  memories: number;
}

export interface MapNode {
  id: string;
  name: string;
  kind: EntityKind | "user";
  memories: number;
}
export interface MapEdge {
  id: string;
  from: string;
  to: string;
  type: string;
  validFrom: string;
  validTo: string | null;
}
export interface MemoryMap {
  userId: string;
  nodes: MapNode[];
  edges: MapEdge[];
}

interface EntityTimeline {
  entity: EntitySummary;
  /** Its memories, oldest first (by when the fact happened, else when it was stated). */
  memories: MemoryRecord[];
  relations: (MapEdge & { fromName: string; toName: string })[];
}

/** The engine was built without an entity store. */
class NoEntityStoreError extends AppError {
  readonly code = "not_configured";
  constructor() {
    super("this memory engine keeps no entities: build it with an entity store (the runtime does)");
  }
}

function indexOf(engine: MemorySource) {
  if (!engine.entities) throw new NoEntityStoreError();
  return engine.entities;
}

/** Every entity of the user with how many memories name it, most named first. */
export async function listEntities(engine: MemorySource, userId: string): Promise<EntitySummary[]> {
  await engine.init();
  const index = indexOf(engine);
  const entities = await index.store.entities(userId);
  const counts = await index.memoriesOf(
    userId,
    entities.map((e) => e.id),
  );
  return entities
    .map((e) => summary(e, counts.get(e.id)?.length ?? 0))
    .sort((a, b) => b.memories - a.memories || a.name.localeCompare(b.name));
}

/** The user's entity with this id, name or alias; undefined when none. */
export async function findEntity(
  engine: MemorySource,
  userId: string,
  nameOrId: string,
): Promise<EntityRecord | undefined> {
  await engine.init();
  const entities = await indexOf(engine).store.entities(userId);
  const key = entityKey(nameOrId);
  return (
    entities.find((e) => e.id === nameOrId) ??
    entities.find((e) => e.aliases.includes(key) || entityKey(e.name) === key)
  );
}

export async function entityTimeline(
  engine: MemorySource,
  userId: string,
  entity: EntityRecord,
): Promise<EntityTimeline> {
  const index = indexOf(engine);
  const ids = new Set((await index.memoriesOf(userId, [entity.id])).get(entity.id) ?? []);
  const memories = (await engine.list({ userId, includeHistory: true }))
    .filter((m) => ids.has(m.id))
    .sort(
      (a, b) =>
        (a.eventTime ?? a.createdAt).localeCompare(b.eventTime ?? b.createdAt) ||
        a.createdAt.localeCompare(b.createdAt),
    );
  const names = await nameLookup(engine, userId);
  const relations = (await index.store.relations(userId, { includeHistory: true }))
    .filter((r) => r.fromId === entity.id || r.toId === entity.id)
    .map((r) => ({ ...edge(r), fromName: names(r.fromId), toName: names(r.toId) }));
  return { entity: summary(entity, ids.size), memories, relations };
}

/** Entities as nodes, relations as edges (superseded ones too, with their end), for json, dot or svg. */
export async function memoryMap(
  engine: MemorySource,
  userId: string,
  options: { includeHistory?: boolean } = {},
): Promise<MemoryMap> {
  const entities = await listEntities(engine, userId);
  const relations = await indexOf(engine).store.relations(userId, { includeHistory: options.includeHistory ?? true });
  const nodes: MapNode[] = entities.map((e) => ({ id: e.id, name: e.name, kind: e.kind, memories: e.memories }));
  if (relations.some((r) => r.fromId === USER_ENTITY || r.toId === USER_ENTITY))
    nodes.unshift({ id: USER_ENTITY, name: "you", kind: "user", memories: 0 });
  return { userId, nodes, edges: relations.map(edge) };
}

async function nameLookup(engine: MemorySource, userId: string): Promise<(id: string) => string> {
  const byId = new Map((await indexOf(engine).store.entities(userId)).map((e) => [e.id, e.name]));
  return (id) => (id === USER_ENTITY ? "you" : (byId.get(id) ?? id));
}

function summary(e: EntityRecord, memories: number): EntitySummary {
  return { id: e.id, name: e.name, kind: e.kind, aliases: e.aliases, memories };
}

function edge(r: EntityRelation): MapEdge {
  return { id: r.id, from: r.fromId, to: r.toId, type: r.type, validFrom: r.validFrom, validTo: r.validTo };
}
