/** Prompts of the profile refresh. Kept apart from the code so they can be read and tuned as text. */

export const PROFILE_SYSTEM = `You keep a compact profile of a user, made only from their long-term memories (numbered below).
Sections:
- identity: who the user is (name, work, home, family, skills).
- preferences: likes, dislikes, habits, how they want things done.
- constraints: what answers must respect: allergies, diet, health, limits.
- focus: what the user is busy with now: plans, projects, recent events.
Rules: at most 5 short lines per section (under 15 words each), only what the memories say, nothing invented, newer memories win over older ones, in the language of the memories (Chinese stays Chinese). An empty section is [].
Answer with only a JSON object: {"identity": ["..."], "preferences": [], "constraints": [], "focus": []}`;

/** For small local models: they only sort the memories into sections by number, which the structured output enforces. */
export const PROFILE_PICK_SYSTEM = `You sort a user's memories into the sections of a profile. You get the memories, numbered.
- identity: who the user is (name, work, home, family, skills).
- preferences: likes, dislikes, habits.
- constraints: allergies, diet, health, limits.
- focus: plans, projects, recent events.
Put each memory number in at most one section; leave out memories that fit none.
Example: ["[1] I am a nurse.", "[2] I am allergic to peanuts.", "[3] I love jazz."] -> {"identity": ["1"], "preferences": ["3"], "constraints": ["2"], "focus": []}
Answer with only a JSON object {"identity": [...], "preferences": [...], "constraints": [...], "focus": [...]}.`;

export function profileMemoriesPrompt(memories: { text: string; category: string; createdAt: string }[]): string {
  const lines = memories.map(
    (m, i) => `[${i + 1}] ${JSON.stringify(m.text)} (${m.category}, ${m.createdAt.slice(0, 10)})`,
  );
  return `Memories, newest first:\n${lines.join("\n")}`;
}
