import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface ChatSet {
  language: string;
  askedAt: string;
  users: {
    id: string;
    memories: { id: string; text: string; time: string }[];
    questions: { question: string; answers: string[] }[];
  }[];
}

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../bench/chatmem/set-${name}.json`, import.meta.url), "utf8")) as ChatSet;

describe.each(["en", "zh"])("chat-sized memory set %s", (name) => {
  const set = load(name);

  it("has two users of 24-30 memories over sessions weeks apart, asked after the last", () => {
    expect(set.users).toHaveLength(2);
    for (const user of set.users) {
      expect(user.memories.length).toBeGreaterThanOrEqual(24);
      expect(user.memories.length).toBeLessThanOrEqual(30);
      const sessions = [...new Set(user.memories.map((m) => Date.parse(m.time)))].sort((a, b) => a - b);
      expect(sessions.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < sessions.length; i++)
        expect(sessions[i] - sessions[i - 1]).toBeGreaterThanOrEqual(14 * 86_400_000);
      expect(Date.parse(set.askedAt)).toBeGreaterThan(sessions.at(-1)!);
    }
  });

  it("has 30-40 questions, each answered by memories of its own user", () => {
    expect(set.users.reduce((n, u) => n + u.questions.length, 0)).toBeGreaterThanOrEqual(30);
    expect(set.users.reduce((n, u) => n + u.questions.length, 0)).toBeLessThanOrEqual(40);
    for (const user of set.users) {
      const ids = new Set(user.memories.map((m) => m.id));
      for (const q of user.questions) {
        expect(q.answers.length).toBeGreaterThan(0);
        for (const a of q.answers) expect(ids.has(a), `${q.question} → ${a}`).toBe(true);
      }
    }
  });
});
