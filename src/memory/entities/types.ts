/** Entities of the memory map: the people, pets, places and things a user's memories are about. */

export const ENTITY_KINDS = ["person", "pet", "place", "organisation", "project", "product", "topic"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** An entity as a text names it, before it is matched to the user's entities. */
export interface EntityMention {
  name: string;
  kind: EntityKind;
  /**
   * The user's relation to it when the text says ("sister", "妹妹", "dog"): "my sister" alone is a
   * mention with a role and no name of its own; "my sister Melanie" links the two.
   */
  role?: string;
  /** Whose role it is: absent for the user; the speaker's name in a transcript line ("Melanie: my kids"). */
  of?: string;
  /**
   * The text speaks to it, not of it ("Thanks, Melanie!", 谢谢，梅兰妮！): the entity is learned, but
   * the memory is not linked to it. In a transcript every other line addresses the listener, and
   * linking those lines made a question about the listener lift the speaker's lines.
   */
  addressed?: boolean;
}

/** A typed relation as a text states it; `from`/`to` are mention names, or USER_ENTITY for the user. */
export interface RelationMention {
  from: string;
  type: string;
  to: string;
}

export interface DetectedEntities {
  entities: EntityMention[];
  relations: RelationMention[];
}

/** The user (or, in a transcript, the speaker of the line) as an end of a relation. */
export const USER_ENTITY = "user";

/** One entity of one user; every spelling the user's memories use for it is an alias. */
export interface EntityRecord {
  id: string;
  userId: string;
  /** The name shown: the first full name the memories gave it. */
  name: string;
  kind: EntityKind;
  /** Normalised spellings that resolve to this entity (entityKey of each), the name's included. */
  aliases: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * An edge of the memory map. Like a memory it holds over a time span: a newer relation that
 * contradicts it (a second "lives in") closes it (`validTo`, `supersededBy`) instead of deleting it.
 */
export interface EntityRelation {
  id: string;
  userId: string;
  fromId: string;
  type: string;
  toId: string;
  /** The memory that stated it. */
  memoryId: string | null;
  validFrom: string;
  validTo: string | null;
  supersededBy: string | null;
}

/** Which memories name an entity. */
export interface MemoryLink {
  memoryId: string;
  entityIds: string[];
}
