import type { EntityRecord, EntityRelation, MemoryLink } from "./types.js";

/**
 * What the engine needs to keep a user's entities, their relations and which memories name them.
 * Every method is scoped by userId, as MemoryStore's are. Implementations sit beside the memory
 * backends (src/stores/*-entities.ts) and pass test/stores/entity-contract.ts.
 */
export interface EntityStore {
  init(): Promise<void>;
  entities(userId: string): Promise<EntityRecord[]>;
  /** Inserts or replaces entities (by id). */
  putEntities(entities: EntityRecord[]): Promise<void>;
  /** Removes entities (after a merge moved their links); their links and relations go with them. */
  deleteEntities(userId: string, ids: string[]): Promise<void>;
  /** Replaces the entity set of each memory named (an empty set unlinks it). */
  link(userId: string, links: MemoryLink[]): Promise<void>;
  /** The entity ids of each memory that has any. */
  entitiesOfMemories(userId: string, memoryIds: string[]): Promise<Map<string, string[]>>;
  /** The ids of the memories naming each entity. */
  memoriesOfEntities(userId: string, entityIds: string[]): Promise<Map<string, string[]>>;
  /** Relations, current ones only unless `includeHistory`. */
  relations(userId: string, options?: { includeHistory?: boolean }): Promise<EntityRelation[]>;
  /** Inserts or replaces relations (by id): closing one is a put with validTo set. */
  putRelations(relations: EntityRelation[]): Promise<void>;
  forgetUser(userId: string): Promise<{ entities: number; relations: number }>;
  close(): Promise<void>;
}
