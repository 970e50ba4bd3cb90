/** The user model's profile: a compact summary of one user, and the topics of their questions over time. */

/** What the profile says about the user, each section a few short lines. */
export interface ProfileSummary {
  /** Who the user is: name, work, home, family, skills. */
  identity: string[];
  /** Likes, dislikes, habits, how they want things done. */
  preferences: string[];
  /** What answers must respect: allergies, diet, health, limits. */
  constraints: string[];
  /** What the user is busy with now: plans, projects, recent events. */
  focus: string[];
}

export const PROFILE_SECTIONS = [
  "constraints",
  "identity",
  "preferences",
  "focus",
] as const satisfies readonly (keyof ProfileSummary)[];

/**
 * Who wrote the summary: the chat model (`model`), or the deterministic rules from the memories'
 * categories and entities (`rules`: no model, imports, or a model whose answer did not validate).
 */
export type ProfileSource = "model" | "rules";

/** One user's stored profile. */
export interface StoredProfile {
  userId: string;
  summary: ProfileSummary;
  source: ProfileSource;
  /** How many current memories the summary was made from. */
  memoryCount: number;
  /** When the summary was last made (ISO); null while none was made yet. */
  refreshedAt: string | null;
  /** Set when memories changed and a refresh is queued (ISO); null when the summary is current. */
  pendingSince: string | null;
  /** Why the summary is not the model's when a model was asked (e.g. its answer did not validate). */
  note: string | null;
}

/** The topics of one question of the user, with its time: what the interest trend is computed from. */
export interface QuestionTopics {
  userId: string;
  /** Stable per question (its message id, or a hash of its text and time): recording it twice counts once. */
  id: string;
  at: string;
  topics: string[];
}

/** One topic of the interest trend. */
export interface TopicInterest {
  topic: string;
  /** Questions that named it. */
  questions: number;
  /** Time-decayed weight now (each question counts 1 when asked, half after INTEREST_HALF_LIFE_DAYS). */
  weight: number;
  /** Its share of the decayed weight of every topic now, and of every question ever (0-1). */
  recentShare: number;
  overallShare: number;
  firstAt: string;
  lastAt: string;
  trend: "rising" | "steady" | "fading";
}

export interface InterestTrend {
  /** Topics the user asks about now, strongest first. */
  current: TopicInterest[];
  /** Topics the user asked about often before and hardly any more. */
  earlier: TopicInterest[];
  /** Questions the trend was computed from. */
  questions: number;
}

/**
 * The profile as every surface shows it (prompt, /profile, CLI, route, graph state).
 * status: `ready` (summary current), `pending` (memories changed, a refresh is queued), `empty`
 * (nothing known yet).
 */
export interface ProfileView {
  userId: string;
  status: "ready" | "pending" | "empty";
  summary: ProfileSummary;
  source: ProfileSource | null;
  memoryCount: number;
  refreshedAt: string | null;
  pendingSince: string | null;
  note: string | null;
  interests: InterestTrend;
}

export function emptySummary(): ProfileSummary {
  return { identity: [], preferences: [], constraints: [], focus: [] };
}
