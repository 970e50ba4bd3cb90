import { z } from "zod";
import { MAX_QUESTIONS_KEPT } from "../../memory/profile/profiles.js";
import { MAX_SECTION_LINES } from "../../memory/profile/summarize.js";

const lines = () => z.array(z.string().trim().min(1).max(400)).max(MAX_SECTION_LINES * 4);

/** The profile in an export: its summary and how it was made; the owner is the importing path's user. */
export const ExportedProfile = z.object({
  summary: z.object({ identity: lines(), preferences: lines(), constraints: lines(), focus: lines() }),
  source: z.enum(["model", "rules"]),
  memoryCount: z.number().int().min(0),
  refreshedAt: z.string().nullable(),
  note: z.string().max(2000).nullable().default(null),
});

/** The topics of one question in an export, with its time: the interest trend is computed from these. */
export const ExportedQuestion = z.object({
  id: z.string().min(1).max(200),
  at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 time"),
  topics: z.array(z.string().trim().min(1).max(60)).max(20),
});

export const ExportedQuestions = z.array(ExportedQuestion).max(MAX_QUESTIONS_KEPT);
