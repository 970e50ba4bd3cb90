import type { ProfileStore } from "../../memory/profile/store.js";
import type { ProfileSource, QuestionTopics, StoredProfile } from "../../memory/profile/types.js";
import { AttachedSqliteStore } from "./attached.js";
import { hasProfileTables } from "./schema.js";
import { classifyFailures } from "../boundary.js";
import { sqliteFailure } from "./errors.js";

interface ProfileRow {
  user_id: string;
  summary: string;
  source: string;
  memory_count: number;
  refreshed_at: string | null;
  pending_since: string | null;
  note: string | null;
}

/**
 * Profiles and question topics of the embedded store, on the memory store's SQLite file (its
 * connection, or one of its own).
 */
export class SqliteProfileStore extends AttachedSqliteStore implements ProfileStore {
  /** The tables are a migration step of the memory store: that store opens (and migrates) the file first. */
  async init(): Promise<void> {
    if (!hasProfileTables(this.db)) {
      throw new Error(
        `${this.path} has no profile tables yet: open the memory store on this file first (the engine's init does), it creates them.`,
      );
    }
  }

  async profile(userId: string): Promise<StoredProfile | null> {
    const r = this.db.prepare<[string], ProfileRow>("SELECT * FROM user_profiles WHERE user_id = ?").get(userId);
    if (!r) return null;
    return {
      userId: r.user_id,
      summary: JSON.parse(r.summary),
      source: r.source as ProfileSource,
      memoryCount: r.memory_count,
      refreshedAt: r.refreshed_at,
      pendingSince: r.pending_since,
      note: r.note,
    };
  }

  async putProfile(p: StoredProfile): Promise<void> {
    this.db
      .prepare(
        "INSERT OR REPLACE INTO user_profiles (user_id, summary, source, memory_count, refreshed_at, pending_since, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(p.userId, JSON.stringify(p.summary), p.source, p.memoryCount, p.refreshedAt, p.pendingSince, p.note);
  }

  async putQuestions(questions: QuestionTopics[], keep: number): Promise<void> {
    const put = this.db.prepare("INSERT OR REPLACE INTO user_questions (user_id, id, at, topics) VALUES (?, ?, ?, ?)");
    const prune = this.db.prepare(
      "DELETE FROM user_questions WHERE user_id = ? AND id NOT IN (SELECT id FROM user_questions WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?)",
    );
    this.db
      .transaction(() => {
        for (const q of questions) put.run(q.userId, q.id, q.at, JSON.stringify(q.topics));
        for (const userId of new Set(questions.map((q) => q.userId))) prune.run(userId, userId, keep);
      })
      .immediate();
  }

  async questions(userId: string): Promise<QuestionTopics[]> {
    return this.db
      .prepare<[string], { id: string; at: string; topics: string }>(
        "SELECT id, at, topics FROM user_questions WHERE user_id = ? ORDER BY at, id",
      )
      .all(userId)
      .map((r) => ({ userId, id: r.id, at: r.at, topics: JSON.parse(r.topics) as string[] }));
  }

  async forgetUser(userId: string): Promise<{ profiles: number; questions: number }> {
    return this.db
      .transaction(() => ({
        profiles: this.db.prepare("DELETE FROM user_profiles WHERE user_id = ?").run(userId).changes,
        questions: this.db.prepare("DELETE FROM user_questions WHERE user_id = ?").run(userId).changes,
      }))
      .immediate();
  }
}

// A locked, unopenable or closed file leaves every method as StoreUnavailableError.
classifyFailures(SqliteProfileStore, (store, error) => sqliteFailure(store.path, error));
