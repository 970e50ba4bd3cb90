import { PROFILE_SECTIONS, type InterestTrend, type ProfileView, type TopicInterest } from "./types.js";

export const SECTION_TITLES: Record<(typeof PROFILE_SECTIONS)[number], string> = {
  constraints: "constraints",
  identity: "identity",
  preferences: "preferences",
  focus: "current focus",
};

/** "backend (10 questions, last 2026-05-28)". */
export function topicLine(t: TopicInterest): string {
  return `${t.topic} (${t.questions} question${t.questions === 1 ? "" : "s"}, last ${t.lastAt.slice(0, 10)})`;
}

/** The interest lines: what the user asks about now, and what they used to. */
export function interestLines(interests: InterestTrend): string[] {
  const lines: string[] = [];
  if (interests.current.length) lines.push(`interests now: ${interests.current.map(topicLine).join("; ")}`);
  if (interests.earlier.length) lines.push(`earlier interests: ${interests.earlier.map(topicLine).join("; ")}`);
  return lines;
}

/** The profile as text for people (/profile in the chat, `memories profile`). */
export function profileText(view: ProfileView): string {
  const head =
    view.status === "empty"
      ? `no profile of ${view.userId} yet: it is made from the user's memories after their next memory update`
      : `profile of ${view.userId} (${view.source ?? "none"}, from ${view.memoryCount} memories${view.refreshedAt ? `, made ${view.refreshedAt.slice(0, 16).replace("T", " ")}` : ""})` +
        (view.status === "pending"
          ? `\npending: memories changed at ${view.pendingSince?.slice(0, 16).replace("T", " ")}; a refresh is queued`
          : "");
  const lines = [head];
  if (view.note) lines.push(`note: ${view.note}`);
  for (const section of PROFILE_SECTIONS) {
    if (view.summary[section].length)
      lines.push(`${SECTION_TITLES[section]}:`, ...view.summary[section].map((l) => `  - ${l}`));
  }
  const interests = interestLines(view.interests);
  lines.push(
    ...(interests.length ? interests : [`interests: none yet (${view.interests.questions} questions recorded)`]),
  );
  return lines.join("\n");
}
