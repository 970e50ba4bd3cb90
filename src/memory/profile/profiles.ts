import { createHash } from "node:crypto";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "../../logger.js";
import type { ExtractionStyle } from "../../models/chat.js";
import type { JobQueue } from "../queue/types.js";
import { MalformedOutputError } from "../../models/structured.js";
import type { MemoryRecord } from "../types.js";
import { interestTrend } from "./interests.js";
import { queueProfileRefresh } from "../queue/refresh-jobs.js";
import type { ProfileStore } from "./store.js";
import { modelSummary, rulesSummary } from "./summarize.js";
import { isFillerTopic, normaliseTopic } from "./topics.js";
import { emptySummary, type ProfileView, type QuestionTopics, type StoredProfile } from "./types.js";

/** Questions kept per user: with a 30-day half-life, older ones weigh next to nothing. */
export const MAX_QUESTIONS_KEPT = 1000;

interface UserProfilesDeps {
  store: ProfileStore;
  /** Sets up the engine's stores (the profile tables among them) on first use. */
  init: () => Promise<void>;
  /** The user's current memories. */
  memories: (userId: string) => Promise<MemoryRecord[]>;
  /** The memory map's current relations of the user as lines ("lives in Lisbon"); none without a map. */
  relations?: (userId: string) => Promise<string[]>;
  /** Writes the summary when given; without one the rules do. */
  chatModel?: BaseChatModel;
  style?: ExtractionStyle;
  /** Where refreshes are queued; without a queue a change only marks the profile pending. */
  jobs?: Pick<JobQueue, "enqueue" | "list">;
  /** Half-life of a question's weight in the interest trend, in days (0: no decay). */
  interestHalfLifeDays: number;
  /** The engine's deadline around one model call. */
  modelCall: <T>(call: (signal: AbortSignal) => Promise<T>, cancel?: AbortSignal) => Promise<T>;
  now: () => Date;
  logger: Logger;
}

/**
 * The engine's side of the user model's profile: records the topics of each question, marks the
 * profile pending and queues one refresh when memories change, remakes the summary in that job
 * (the model's, or the rules' without one), and reads the profile with its interest trend.
 */
export class UserProfiles {
  constructor(private readonly d: UserProfilesDeps) {}

  get store(): ProfileStore {
    return this.d.store;
  }

  /** The profile as stored, with the interest trend computed now from the recorded questions. */
  async read(userId: string, now: Date = this.d.now()): Promise<ProfileView> {
    await this.d.init();
    const [stored, questions] = await Promise.all([this.d.store.profile(userId), this.d.store.questions(userId)]);
    const interests = interestTrend(questions, now, this.d.interestHalfLifeDays);
    if (!stored)
      return {
        userId,
        status: "empty",
        summary: emptySummary(),
        source: null,
        memoryCount: 0,
        refreshedAt: null,
        pendingSince: null,
        note: null,
        interests,
      };
    const status = stored.pendingSince ? "pending" : stored.refreshedAt ? "ready" : "empty";
    return { ...stored, status, interests };
  }

  /** Records the topics of one question (idempotent: the same question recorded twice counts once). */
  async recordQuestion(
    userId: string,
    question: { sourceId?: string | null; text: string; at: string; topics: string[] },
  ): Promise<void> {
    // A model's topics too: "last week" or "now" is no interest, whoever names it.
    const topics = [...new Set(question.topics.map(normaliseTopic).filter((t) => t && !isFillerTopic(t)))];
    if (topics.length === 0) return;
    const id =
      question.sourceId ?? createHash("sha1").update(`${question.at}\u0000${question.text}`).digest("hex").slice(0, 32);
    await this.d.store.putQuestions([{ userId, id, at: question.at, topics }], MAX_QUESTIONS_KEPT);
  }

  /** Memories of the user changed: the profile is pending until a refresh (one per burst) remakes it. */
  async changed(userId: string): Promise<void> {
    const at = this.d.now().toISOString();
    const stored = await this.d.store.profile(userId);
    if (!stored?.pendingSince) await this.d.store.putProfile({ ...(stored ?? blankProfile(userId)), pendingSince: at });
    if (this.d.jobs) await queueProfileRefresh(this.d.jobs, userId);
  }

  /**
   * Remakes the summary from the user's current memories (the profile refresh job). A model answer
   * that stays malformed gives the rules' summary, with a note saying so; a model that times out
   * or fails otherwise throws, and the queue tries again (the profile stays pending meanwhile).
   */
  async refresh(userId: string, signal?: AbortSignal): Promise<StoredProfile> {
    await this.d.init();
    const memories = (await this.d.memories(userId)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const relations = (await this.d.relations?.(userId)) ?? [];
    let profile: StoredProfile = {
      ...blankProfile(userId),
      summary: rulesSummary(memories, relations),
      memoryCount: memories.length,
    };
    const model = this.d.chatModel;
    if (model && memories.length > 0) {
      try {
        const summary = await this.d.modelCall(
          (s) => modelSummary(model, memories, { style: this.d.style, signal: s }),
          signal,
        );
        profile = { ...profile, summary, source: "model" };
      } catch (error) {
        if (!(error instanceof MalformedOutputError)) throw error;
        profile.note = `the model's summary did not validate (${error.message}); this one is made by the rules`;
        this.d.logger.warn("profile refresh: the model's summary did not validate; the rules made it", {
          error: error.message,
        });
      }
    }
    signal?.throwIfAborted();
    profile.refreshedAt = this.d.now().toISOString();
    await this.d.store.putProfile(profile);
    return profile;
  }

  /** Puts back a profile and questions from an export (under this user, whatever the file says). */
  async restore(
    userId: string,
    exported: {
      profile?: Omit<StoredProfile, "userId" | "pendingSince"> | null;
      questions?: Omit<QuestionTopics, "userId">[];
    },
  ): Promise<void> {
    await this.d.init();
    if (exported.questions?.length)
      await this.d.store.putQuestions(
        exported.questions.map((q) => ({ ...q, userId })),
        MAX_QUESTIONS_KEPT,
      );
    if (!exported.profile) return;
    // An import that added memories queued a refresh: the restored summary shows until it ran.
    const pendingSince = (await this.d.store.profile(userId))?.pendingSince ?? null;
    await this.d.store.putProfile({ ...exported.profile, userId, pendingSince });
  }

  forgetUser(userId: string): Promise<{ profiles: number; questions: number }> {
    return this.d.store.forgetUser(userId);
  }
}

function blankProfile(userId: string): StoredProfile {
  return {
    userId,
    summary: emptySummary(),
    source: "rules",
    memoryCount: 0,
    refreshedAt: null,
    pendingSince: null,
    note: null,
  };
}
