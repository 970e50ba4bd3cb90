import type { ProfileStore } from "../../memory/profile/store.js";
import type { QuestionTopics, StoredProfile } from "../../memory/profile/types.js";
import { chunks, ensureCollection, KEYWORD_INDEX, scrollAll, TENANT_INDEX } from "./collections.js";
import { QdrantCaller } from "./client.js";
import { tenantCondition, type QdrantFilter } from "./filter.js";
import { uuidV5 } from "./ids.js";
import type { QdrantMemoryStoreOptions } from "./memories.js";
import { qdrantStoreSettings, type QdrantSettings } from "./settings.js";

const WRITE_BATCH = 256;

/**
 * Profiles and question topics in Qdrant: points of `<collection>_profiles` (no vectors), one
 * `profile` point per user and one `question` point per question, told apart by `type`, each
 * with the tenant key; the point id is a name-based UUID of (type, user, id), so a question
 * recorded twice is one point.
 */
export class QdrantProfileStore implements ProfileStore {
  private readonly caller: QdrantCaller;
  readonly collection: string;

  constructor(private readonly options: QdrantMemoryStoreOptions) {
    this.caller = QdrantCaller.connect(options);
    this.collection = `${options.collection}_profiles`;
  }

  static fromSettings(settings: QdrantSettings): QdrantProfileStore {
    return new QdrantProfileStore(qdrantStoreSettings(settings, "The Qdrant profile store"));
  }

  async init(): Promise<void> {
    await ensureCollection(this.caller, {
      name: this.collection,
      topology: this.options.topology,
      indexes: { userId: TENANT_INDEX, type: KEYWORD_INDEX },
    });
  }

  private of(userId: string, type: "profile" | "question"): QdrantFilter {
    return { must: [tenantCondition(userId), { key: "type", match: { value: type } }] };
  }

  private pid(type: "profile" | "question", userId: string, id = ""): string {
    return uuidV5(JSON.stringify([type, userId, id]));
  }

  async profile(userId: string): Promise<StoredProfile | null> {
    const points = await this.caller.call("reading a profile", (c) =>
      c.retrieve(this.collection, { ids: [this.pid("profile", userId)], with_payload: true, with_vector: false }),
    );
    const record = points.find((p) => p.payload?.userId === userId)?.payload?.record as StoredProfile | undefined;
    return record ?? null;
  }

  async putProfile(profile: StoredProfile): Promise<void> {
    await this.upsert([
      {
        id: this.pid("profile", profile.userId),
        payload: { userId: profile.userId, type: "profile", record: profile },
      },
    ]);
  }

  async putQuestions(questions: QuestionTopics[], keep: number): Promise<void> {
    await this.upsert(
      questions.map((q) => ({
        id: this.pid("question", q.userId, q.id),
        payload: { userId: q.userId, type: "question", record: q },
      })),
    );
    for (const userId of new Set(questions.map((q) => q.userId))) {
      const all = await this.questions(userId);
      const extra = all.slice(0, Math.max(0, all.length - keep)).map((q) => this.pid("question", userId, q.id));
      for (const batch of chunks(extra, WRITE_BATCH)) {
        await this.caller.call("pruning old questions", (c) =>
          c.delete(this.collection, { wait: true, points: batch }),
        );
      }
    }
  }

  async questions(userId: string): Promise<QuestionTopics[]> {
    const points = await scrollAll(this.caller, this.collection, this.of(userId, "question"));
    return points
      .map((p) => p.payload!.record as QuestionTopics)
      .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  }

  async forgetUser(userId: string): Promise<{ profiles: number; questions: number }> {
    const profiles = (await this.profile(userId)) ? 1 : 0;
    const questions = (await this.questions(userId)).length;
    await this.caller.call("forgetting a user's profile", (c) =>
      c.delete(this.collection, { wait: true, filter: { must: [tenantCondition(userId)] } }),
    );
    return { profiles, questions };
  }

  async close(): Promise<void> {}

  private async upsert(points: { id: string; payload: Record<string, unknown> }[]): Promise<void> {
    for (const batch of chunks(points, WRITE_BATCH)) {
      await this.caller.call("storing profiles", (c) =>
        c.upsert(this.collection, { wait: true, points: batch.map((p) => ({ ...p, vector: {} })) }),
      );
    }
  }
}
