import type { QuestionTopics, StoredProfile } from "./types.js";

/**
 * What the engine needs to keep each user's profile and the topics of their questions. Every
 * method is scoped by userId, as MemoryStore's are. Implementations sit beside the memory
 * backends (src/stores/*-profiles.ts) and pass test/stores/profile-stores.test.ts.
 */
export interface ProfileStore {
  init(): Promise<void>;
  profile(userId: string): Promise<StoredProfile | null>;
  /** Inserts or replaces the user's profile. */
  putProfile(profile: StoredProfile): Promise<void>;
  /** Inserts or replaces questions by (userId, id); then keeps only the user's `keep` newest. */
  putQuestions(questions: QuestionTopics[], keep: number): Promise<void>;
  /** The user's questions, oldest first. */
  questions(userId: string): Promise<QuestionTopics[]>;
  forgetUser(userId: string): Promise<{ profiles: number; questions: number }>;
  close(): Promise<void>;
}
