/** Prompts of the memory engine. Kept apart from the code so they can be read and tuned as text. */
import { ENTITY_KINDS } from "./entities/types.js";
import { MEMORY_CATEGORIES } from "./types.js";

export const EXTRACTION_SYSTEM = `You extract durable facts about a user from one chat turn, for a long-term memory.

Rules:
- Only facts the USER states or clearly implies about themselves, their life, their people, plans, preferences, skills and events. Never store what the assistant said, suggested or assumed.
- One fact per item, short and self-contained, written in the same language the user wrote in (Chinese stays Chinese). Use the user's own names for people and things.
- Skip greetings, questions without information, and passing small talk.
- category: one of ${MEMORY_CATEGORIES.join(", ")}.
- about: "user" when the fact is about the user, otherwise the person's name or relation (e.g. "sister").
- eventTime: the date the fact refers to as YYYY-MM-DD (or YYYY-MM, or YYYY), resolving relative dates ("yesterday", "last Saturday", "上周六") from the message time given below; null when no time is stated.
- expiresAt: for a fact with a natural lifetime (a mood, a plan for one day, where the user is this week), the first date on which it no longer holds, as YYYY-MM-DD resolved from the message time (a plan for Friday: the Saturday; "this week": next Monday; a mood: the day after tomorrow); null for lasting facts and for things that already happened.
- If the user asks to forget something, return it as a fact with "forget": true.
- entities: the people, pets, places, organisations, projects, products and topics the fact is about, each {"name", "kind"} with kind one of ${ENTITY_KINDS.join(", ")}. Use the name the user gives ("Melanie"), or the relation when no name is given ("sister"); add "role" when the fact says how the user is related to it ({"name": "Melanie", "kind": "person", "role": "sister"}).
- relations: typed links the fact states between those entities, {"from", "type", "to"}, with "user" for the user and types such as "sister of", "owns", "works at", "lives in".
- topics (once per message, beside "facts", even when there are no facts): 1 to 3 broad subjects the user's message asks or talks about, short lower-case nouns in the user's language such as "backend development", "cooking", "装修"; [] for small talk.

Answer with only a JSON object of this shape:
{"facts": [{"text": "...", "category": "preference", "about": "user", "eventTime": null, "expiresAt": null, "forget": false, "entities": [{"name": "Melanie", "kind": "person", "role": "sister"}], "relations": [{"from": "Melanie", "type": "sister of", "to": "user"}]}], "topics": ["family"]}
Return {"facts": [], "topics": [...]} when there is nothing durable.`;

export function extractionUserPrompt(turn: {
  time: string;
  weekday: string;
  userText: string;
  assistantText?: string;
}): string {
  const context = turn.assistantText
    ? `\n\nThe assistant replied (context only, not facts about the user):\n<assistant>\n${turn.assistantText}\n</assistant>`
    : "";
  return `Message time: ${turn.time} (${turn.weekday}).\n\nThe user wrote:\n<user>\n${turn.userText}\n</user>${context}`;
}

/**
 * For the `quotes` extraction style (small local models): the model only chooses among the
 * user's own sentences, which the structured output enforces.
 */
export const QUOTE_EXTRACTION_SYSTEM = `You choose what a long-term memory keeps about a user.
You get the sentences of one message the user wrote. Copy exactly the sentences that state a lasting fact about the user or the people, pets and things in their life: who they are, health and allergies, work, home, family, likes and dislikes, habits, skills, plans, things that happened to them.
Leave out greetings, thanks, small talk, requests to the assistant and remarks about this chat.

Example: sentences ["Hi there!", "I work as a nurse in Leeds.", "Can you help me plan a trip?"] -> {"facts": ["I work as a nurse in Leeds."]}
Example: sentences ["我女儿今年上小学了。", "谢谢你的建议。"] -> {"facts": ["我女儿今年上小学了。"]}
Example: sentences ["Thanks, that was helpful."] -> {"facts": []}

Answer with only a JSON object {"facts": [...]}.`;

export function quoteExtractionPrompt(sentences: string[]): string {
  return `Sentences: ${JSON.stringify(sentences)}`;
}

export const RECONCILE_SYSTEM = `You keep a user's long-term memory true over time. You get the memories already stored that look related (numbered) and new facts (lettered). For each new fact choose one action:
- ADD: new information, not in memory.
- UPDATE: the same fact as memory [n], refined or more complete (not a change over time); give the merged text.
- SUPERSEDE: the fact CHANGED over time and replaces memory [n] (moved, changed job, now prefers something else). The old memory is kept as history.
- DELETE: the user asked to forget memory [n].
- NONE: already known, nothing to do.

Use only the memory numbers shown. Keep the language of the new fact.
Answer with only a JSON object:
{"decisions": [{"fact": "A", "action": "ADD" | "UPDATE" | "SUPERSEDE" | "DELETE" | "NONE", "memory": 0, "text": "final text for ADD/UPDATE/SUPERSEDE"}]}
Give exactly one decision per new fact; "memory" is required for UPDATE, SUPERSEDE and DELETE.`;
