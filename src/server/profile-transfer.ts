import type { z } from "zod";
import type { MemoryEngine } from "../memory/engine.js";
import type { ExportedProfile, ExportedQuestion } from "./profile-export-schemas.js";

export interface ExportedUserModel {
  profile: z.infer<typeof ExportedProfile> | null;
  questions: z.infer<typeof ExportedQuestion>[];
}

/** The user's profile and question topics as an export carries them; undefined for an engine without a profile store. */
export async function exportedProfile(engine: MemoryEngine, userId: string): Promise<ExportedUserModel | undefined> {
  const profiles = engine.profiles;
  if (!profiles) return undefined;
  const stored = await profiles.store.profile(userId);
  const questions = (await profiles.store.questions(userId)).map(({ id, at, topics }) => ({ id, at, topics }));
  const profile = stored
    ? {
        summary: stored.summary,
        source: stored.source,
        memoryCount: stored.memoryCount,
        refreshedAt: stored.refreshedAt,
        note: stored.note,
      }
    : null;
  return { profile, questions };
}

/** Puts an export's profile and questions back under `userId` (after its memories, whose import queued a refresh). */
export async function importProfile(
  engine: MemoryEngine,
  userId: string,
  exported: Partial<ExportedUserModel>,
): Promise<void> {
  await engine.profiles?.restore(userId, exported);
}
