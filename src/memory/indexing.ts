import { createHash } from "node:crypto";
import type { MemoryCategory } from "./types.js";

/**
 * The text embedded and indexed for a memory: the fact plus its category and dates
 * (LongMemEval: keys that carry the fact and its time raise recall; dates let "when" questions
 * match lexically: "May 2023" finds a fact from 8 May 2023).
 */
export function buildIndexText(fact: {
  text: string;
  category: MemoryCategory;
  eventTime: string | null;
  createdAt: string;
  context?: string;
}): string {
  const parts = [fact.text];
  if (fact.context) parts.push(fact.context);
  const when = fact.eventTime ?? fact.createdAt;
  parts.push(`(${fact.category}; ${humanDate(when)})`);
  return parts.join(" ");
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "2023-05-08..." → "8 May 2023 2023年5月8日": both scripts, so either language's query matches. */
export function humanDate(iso: string): string {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (!mo) return `${y} ${y}年`;
  const month = MONTHS[Number(mo) - 1];
  if (!d) return `${month} ${y} ${y}年${Number(mo)}月`;
  return `${Number(d)} ${month} ${y} ${y}年${Number(mo)}月${Number(d)}日`;
}

/** Text normalised for duplicate detection: case, width and spacing do not make a new fact. */
export function normalizeFactText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[.。!！]+$/u, "")
    .trim();
}

/** Same user, same source, same fact → same hash: a retried `add` stores nothing new. */
export function factHash(userId: string, text: string, sourceId: string | null): string {
  return createHash("sha256")
    .update(`${userId}\u0000${sourceId ?? ""}\u0000${normalizeFactText(text)}`)
    .digest("hex");
}
