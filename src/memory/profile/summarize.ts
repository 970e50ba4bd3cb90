import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import type { ExtractionStyle } from "../extract.js";
import { invokeJson } from "../structured.js";
import type { MemoryRecord } from "../types.js";
import { PROFILE_PICK_SYSTEM, PROFILE_SYSTEM, profileMemoriesPrompt } from "./prompts.js";
import { PROFILE_SECTIONS, emptySummary, type ProfileSummary } from "./types.js";

/** Lines per section, and their length: the profile stays compact whoever writes it. */
export const MAX_SECTION_LINES = 5;
const MAX_LINE_CHARS = 160;
/** The newest memories a model summarises: a small local model's context holds about this many. */
export const MAX_MEMORIES_SUMMARISED = 60;

/** A fresh schema per section: a shared one becomes a JSON-schema $ref, which the grammar builder cannot follow. */
const lines = () => z.array(z.string().trim().min(1).max(MAX_LINE_CHARS)).max(MAX_SECTION_LINES);
export const ProfileSummarySchema = z.object({
  identity: lines(),
  preferences: lines(),
  constraints: lines(),
  focus: lines(),
});

/**
 * The model's summary of the memories (newest first). A capable model (`facts` style) writes the
 * lines; a small local model (`quotes` style) only sorts memory numbers into sections, so its
 * answer cannot invent or translate anything and the lines are the memories' own words. Throws
 * MalformedOutputError when the answer does not validate after one corrective retry.
 */
export async function modelSummary(
  model: BaseChatModel,
  memories: MemoryRecord[],
  options: { style?: ExtractionStyle; signal?: AbortSignal } = {},
): Promise<ProfileSummary> {
  const shown = memories.slice(0, MAX_MEMORIES_SUMMARISED);
  const prompt = new HumanMessage(profileMemoriesPrompt(shown));
  if (options.style !== "quotes") {
    const written = await invokeJson(model, [new SystemMessage(PROFILE_SYSTEM), prompt], ProfileSummarySchema, {
      name: "profile",
      signal: options.signal,
    });
    return keepConstraintsTrue(written, shown);
  }
  const numbers = shown.map((_, i) => String(i + 1)) as [string, ...string[]];
  const pick = () => z.array(z.enum(numbers)).max(MAX_SECTION_LINES);
  const schema = z.object({ identity: pick(), preferences: pick(), constraints: pick(), focus: pick() });
  const picked = await invokeJson(model, [new SystemMessage(PROFILE_PICK_SYSTEM), prompt], schema, {
    name: "profile",
    signal: options.signal,
  });
  const summary = emptySummary();
  const used = new Set<string>();
  for (const section of PROFILE_SECTIONS) {
    for (const n of picked[section]) {
      if (used.has(n)) continue;
      used.add(n);
      summary[section].push(clip(shown[Number(n) - 1].text));
    }
  }
  return keepConstraintsTrue(summary, shown);
}

/** Allergies, diets, health limits: words of such constraints in English and Chinese. */
const CONSTRAINT_CUES =
  /allerg|intoleran|vegetarian|vegan|gluten|lactose|coeliac|celiac|halal|kosher|diabet|asthma|pregnan|epilep|blood pressure|wheelchair|can(?:no|'|’)t eat|don(?:'|’)t eat|never eat|过敏|素食|吃素|不吃|忌口|不能吃|乳糖|糖尿病|清真|哮喘|怀孕|癫痫|高血压|轮椅/iu;
/** Allergies above all: an answer that forgets one can hurt. */
const ALLERGY_CUES = /allerg|过敏/iu;

/** Where a memory of each category goes in the rules' profile (a constraint cue wins over the category). */
const SECTION_OF: Record<MemoryRecord["category"], keyof ProfileSummary | null> = {
  profile: "identity",
  relationship: "identity",
  skill: "identity",
  preference: "preferences",
  plan: "focus",
  event: "focus",
  other: null,
};

/**
 * The profile without a model (no chat model, imports, a model whose answer did not validate):
 * each current memory goes to the section of its category, newest first, a memory naming an
 * allergy or diet to constraints whatever its category; `relations` (the memory map's current
 * relations of the user, as "lives in Lisbon") fill identity when the memories' categories say
 * little (imports and `infer: false` memories are all "other").
 */
export function rulesSummary(memories: MemoryRecord[], relations: string[] = []): ProfileSummary {
  const summary = emptySummary();
  const newest = [...memories].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const m of newest) {
    const section = CONSTRAINT_CUES.test(m.text) ? "constraints" : SECTION_OF[m.category];
    if (section && summary[section].length < MAX_SECTION_LINES) summary[section].push(clip(m.text));
  }
  for (const line of relations) {
    if (summary.identity.length >= MAX_SECTION_LINES) break;
    if (!summary.identity.includes(line)) summary.identity.push(clip(line));
  }
  return keepConstraintsTrue(summary, newest);
}

/**
 * What every summary keeps to, whoever made it (a small model sorted "My secret code word is
 * pineapple." and 我上个月搬到北京了。 into constraints and left the peanut allergy out): constraints
 * hold only lines that name one; every memory naming an allergy is there, then the other
 * constraint memories the section lacks. A memory's line moved out of constraints goes to the
 * section of its category, or nowhere. `memories`: newest first.
 */
export function keepConstraintsTrue(summary: ProfileSummary, memories: MemoryRecord[]): ProfileSummary {
  const byLine = new Map(memories.map((m) => [clip(m.text), m]));
  const stated = summary.constraints.filter((line) => CONSTRAINT_CUES.test(line));
  const missing = (cue: RegExp) =>
    memories.filter((m) => cue.test(m.text) && !stated.some((line) => restates(line, m.text))).map((m) => clip(m.text));
  const allergies = missing(ALLERGY_CUES);
  const others = missing(CONSTRAINT_CUES).filter((line) => !allergies.includes(line));
  const constraints = [...new Set([...allergies, ...stated, ...others])].slice(0, MAX_SECTION_LINES);
  const out: ProfileSummary = { ...emptySummary(), constraints };
  for (const section of PROFILE_SECTIONS) {
    if (section !== "constraints") out[section] = summary[section].filter((line) => !constraints.includes(line));
  }
  for (const line of summary.constraints) {
    if (CONSTRAINT_CUES.test(line)) continue;
    const section = byLine.has(line) ? SECTION_OF[byLine.get(line)!.category] : null;
    if (section && section !== "constraints" && out[section].length < MAX_SECTION_LINES && !out[section].includes(line))
      out[section].push(line);
  }
  return out;
}

/** Whether a summary line says what the memory says: most of its words (Han: character pairs) are in it. */
function restates(line: string, memory: string): boolean {
  const have = new Set(tokens(line));
  const want = tokens(memory);
  return want.length > 0 && want.filter((t) => have.has(t)).length * 2 >= want.length;
}

function tokens(text: string): string[] {
  const lower = text.toLowerCase();
  const latin = lower.match(/[a-z0-9]{4,}/g) ?? [];
  const han = [...lower.matchAll(/\p{Script=Han}+/gu)].flatMap(([run]) => {
    const chars = [...run];
    return chars.slice(1).map((c, i) => chars[i] + c);
  });
  return [...latin, ...han];
}

function clip(text: string): string {
  const t = text.trim();
  return t.length <= MAX_LINE_CHARS ? t : `${t.slice(0, MAX_LINE_CHARS - 1)}…`;
}
