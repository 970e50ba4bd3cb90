import type { ProfileStore } from "../../memory/profile/store.js";
import type { QuestionTopics, StoredProfile } from "../../memory/profile/types.js";

/** Profiles in process memory, beside InMemoryMemoryStore: for tests and throw-away sessions. */
export class InMemoryProfileStore implements ProfileStore {
  private profiles = new Map<string, StoredProfile>();
  private questionsOf = new Map<string, Map<string, QuestionTopics>>();

  async init(): Promise<void> {}

  async profile(userId: string): Promise<StoredProfile | null> {
    const p = this.profiles.get(userId);
    return p ? structuredClone(p) : null;
  }

  async putProfile(profile: StoredProfile): Promise<void> {
    this.profiles.set(profile.userId, structuredClone(profile));
  }

  async putQuestions(questions: QuestionTopics[], keep: number): Promise<void> {
    for (const q of questions) {
      const mine = this.questionsOf.get(q.userId) ?? new Map<string, QuestionTopics>();
      mine.set(q.id, structuredClone(q));
      this.questionsOf.set(q.userId, mine);
    }
    for (const userId of new Set(questions.map((q) => q.userId))) {
      const mine = this.questionsOf.get(userId)!;
      for (const q of sorted([...mine.values()]).slice(0, Math.max(0, mine.size - keep))) mine.delete(q.id);
    }
  }

  async questions(userId: string): Promise<QuestionTopics[]> {
    return sorted([...(this.questionsOf.get(userId)?.values() ?? [])]).map((q) => structuredClone(q));
  }

  async forgetUser(userId: string): Promise<{ profiles: number; questions: number }> {
    const profiles = this.profiles.delete(userId) ? 1 : 0;
    const questions = this.questionsOf.get(userId)?.size ?? 0;
    this.questionsOf.delete(userId);
    return { profiles, questions };
  }

  async close(): Promise<void> {}
}

/** Oldest first, as every backend answers. */
function sorted(questions: QuestionTopics[]): QuestionTopics[] {
  return questions.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}
