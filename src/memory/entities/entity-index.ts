import { detectEntities } from "./detect.js";
import { mentionKey } from "./names.js";
import { EntityResolver } from "./resolve.js";
import type { EntityStore } from "./store.js";
import type { DetectedEntities, EntityRecord, EntityRelation } from "./types.js";

/** A memory to index: its text, and the entities the model named for it (else they are detected). */
export interface MemoryToIndex {
  memoryId: string;
  text: string;
  given?: DetectedEntities;
}

/**
 * The user's stored memories whose text has the words of a name (a lexical search): where a name
 * learned late may already have been used. The memories just written are among them.
 */
export type MemoriesNaming = (userId: string, name: string) => Promise<{ memoryId: string; text: string }[]>;

/**
 * The engine's side of the memory map: resolves the entities of memories as they are written,
 * keeps the links and relations in the EntityStore, and answers which memories share an entity.
 */
export class EntityIndex {
  /** `naming`: without it, a name learned late is not linked to the memories written before. */
  constructor(
    readonly store: EntityStore,
    private readonly naming?: MemoriesNaming,
  ) {}

  /**
   * Resolves and stores the entities of memories just written (replacing what they had).
   * `closed`: the memories this write superseded. Given, the map follows the memories: the
   * relations those memories stated end, and no other relation is ended by a newer one of its
   * kind (the reconciliation already decided what changed). Without it (facts stored as they
   * come, imports), a newer "lives in" ends the older one by itself.
   */
  async record(
    userId: string,
    memories: MemoryToIndex[],
    time: string,
    options: { closed?: ReadonlySet<string> } = {},
  ): Promise<void> {
    if (memories.length === 0) return;
    const before = await this.store.entities(userId);
    const resolver = new EntityResolver(userId, before, await this.store.relations(userId), time, options.closed);
    for (const m of memories) {
      const found = m.given && m.given.entities.length > 0 ? m.given : detectEntities(m.text, resolver.knownNames());
      resolver.resolve(m.memoryId, found);
    }
    const changes = resolver.changes();
    if (changes.entities.length) await this.store.putEntities(changes.entities);
    await this.store.link(userId, changes.links);
    if (changes.relations.length) await this.store.putRelations(changes.relations);
    // After the links are written, so links made in this batch move too.
    for (const { from, into } of changes.merged) await this.merge(userId, from, into);
    const had = new Set(before.map((e) => e.id));
    const learned = changes.entities.filter((e) => !had.has(e.id) && !isRoleOnly(e));
    if (this.naming && learned.length) await this.linkEarlier(userId, learned);
  }

  /**
   * Links new entities to the memories that named them before they were known. A name opening a
   * sentence is taken only once it is known ("Jon lost his job" could as well open with "Painting"),
   * so the memories written before it was learned, and those earlier in the same batch, missed it:
   * observation facts all open with their person's name, and the first sessions' facts stayed
   * unlinked until some fact named the person mid-sentence.
   */
  private async linkEarlier(userId: string, learned: EntityRecord[]): Promise<void> {
    const names = (await this.store.entities(userId)).filter((e) => !isRoleOnly(e)).map((e) => e.name);
    const links = new Map<string, string[]>();
    for (const entity of learned) {
      const candidates = await this.naming!(userId, entity.name);
      const current = await this.store.entitiesOfMemories(
        userId,
        candidates.filter((m) => !links.has(m.memoryId)).map((m) => m.memoryId),
      );
      for (const [memoryId, ids] of current) links.set(memoryId, ids);
      const added: string[] = [];
      for (const m of candidates) {
        const ids = links.get(m.memoryId) ?? [];
        if (ids.includes(entity.id)) continue;
        const mentions = detectEntities(m.text, names).entities.filter((found) => !found.addressed);
        if (!mentions.some((found) => entity.aliases.includes(mentionKey(found)))) continue;
        links.set(m.memoryId, [...ids, entity.id]);
        added.push(m.memoryId);
      }
      if (added.length)
        await this.store.link(
          userId,
          added.map((memoryId) => ({ memoryId, entityIds: links.get(memoryId)! })),
        );
    }
  }

  /** The links of memories about to be re-stored, to be put back with `restore` (a backend may keep them on the memory). */
  async linksOf(userId: string, memoryIds: string[]): Promise<Map<string, string[]>> {
    return memoryIds.length ? this.store.entitiesOfMemories(userId, memoryIds) : new Map();
  }

  async restore(userId: string, links: Map<string, string[]>): Promise<void> {
    if (links.size)
      await this.store.link(
        userId,
        [...links].map(([memoryId, entityIds]) => ({ memoryId, entityIds })),
      );
  }

  async unlink(userId: string, memoryIds: string[]): Promise<void> {
    await this.store.link(
      userId,
      memoryIds.map((memoryId) => ({ memoryId, entityIds: [] })),
    );
  }

  /**
   * The user's entities named in a text: by the extractor (with the user's names known) and by
   * any alias of three or more characters found in it as a word (a lower-cased "melanie" too).
   * One the text only speaks to ("Thanks, Mel! What did Jon say?") is not among them.
   */
  async entitiesIn(userId: string, text: string): Promise<EntityRecord[]> {
    const entities = await this.store.entities(userId);
    const byAlias = new Map<string, EntityRecord>();
    for (const e of entities) for (const a of e.aliases) byAlias.set(a, e);
    const found = new Map<string, EntityRecord>();
    const addressed = new Set<string>();
    for (const m of detectEntities(
      text,
      entities.map((e) => e.name),
    ).entities) {
      const e = byAlias.get(mentionKey(m));
      if (e && m.addressed) addressed.add(e.id);
      else if (e) found.set(e.id, e);
    }
    const lower = text.normalize("NFKC").toLowerCase();
    for (const [alias, e] of byAlias) {
      if (alias.startsWith("role:") || found.has(e.id) || addressed.has(e.id)) continue;
      if (
        /\p{Script=Han}/u.test(alias)
          ? [...alias].length >= 2 && lower.includes(alias)
          : alias.length >= 3 && containsWord(lower, alias)
      )
        found.set(e.id, e);
    }
    return [...found.values()];
  }

  /** Entity id → ids of the memories that name it. */
  memoriesOf(userId: string, entityIds: string[]): Promise<Map<string, string[]>> {
    return entityIds.length ? this.store.memoriesOfEntities(userId, entityIds) : Promise.resolve(new Map());
  }

  /** Folds entity `from` into `into`: its memories and relations now name `into`. */
  private async merge(userId: string, from: string, into: string): Promise<void> {
    const memories = (await this.store.memoriesOfEntities(userId, [from])).get(from) ?? [];
    const links = await this.store.entitiesOfMemories(userId, memories);
    await this.store.link(
      userId,
      [...links].map(([memoryId, ids]) => ({
        memoryId,
        entityIds: [...new Set(ids.map((id) => (id === from ? into : id)))],
      })),
    );
    const swap = (r: EntityRelation) => ({
      ...r,
      fromId: r.fromId === from ? into : r.fromId,
      toId: r.toId === from ? into : r.toId,
    });
    const moved = (await this.store.relations(userId, { includeHistory: true }))
      .filter((r) => r.fromId === from || r.toId === from)
      .map(swap);
    if (moved.length) await this.store.putRelations(moved);
    await this.store.deleteEntities(userId, [from]);
  }
}

/** "my sister" before her name is known: an entity of role aliases only. */
function isRoleOnly(e: EntityRecord): boolean {
  return e.aliases.every((a) => a.startsWith("role:"));
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whether `word` occurs in `text` with no letter or digit glued to either side ("melanie's" counts). */
function containsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1];
    const after = text[at + word.length];
    if ((!before || !WORD_CHAR.test(before)) && (!after || !WORD_CHAR.test(after))) return true;
  }
  return false;
}
