/**
 * Reads LoCoMo (Maharana et al., ACL 2024) in its original JSON format and repairs or drops its
 * known defects, counting each kind so a run can say what it left out:
 * - several ids in one evidence string ("D8:6; D9:17") are split;
 * - malformed ids ("D:11:26", "D30:05") are repaired to "D11:26", "D30:5";
 * - ids naming no turn of the conversation ("D10:19" where session 10 has fewer turns, "D") are dropped;
 * - questions left with no valid evidence are dropped (they cannot be scored);
 * - observation references come as a string or a list; both are read.
 */

export interface LocomoTurn {
  diaId: string;
  speaker: string;
  text: string;
  session: number;
  /** The session's date as ISO 8601 (UTC). */
  time: string;
}

export interface LocomoObservation {
  text: string;
  speaker: string;
  /** The turns the fact was extracted from (valid ids only). */
  diaIds: string[];
  session: number;
  time: string;
}

export interface LocomoQuestion {
  question: string;
  category: number;
  /** Valid evidence turn ids, repaired and de-duplicated. */
  evidence: string[];
}

export interface LocomoSession {
  index: number;
  time: string;
  turns: LocomoTurn[];
}

export interface LocomoConversation {
  id: string;
  speakers: [string, string];
  sessions: LocomoSession[];
  observations: LocomoObservation[];
  questions: LocomoQuestion[];
}

/** What was repaired or dropped while reading, summed over all conversations. */
export interface DefectCounts {
  /** Evidence strings holding more than one id ("D8:6; D9:17"). */
  multiIdEvidenceStrings: number;
  /** Ids written in a malformed way and repaired ("D:11:26" → "D11:26", "D30:05" → "D30:5"). */
  repairedIds: number;
  /** Ids that could not be read at all ("D") — dropped. */
  unreadableIds: number;
  /** Well-formed ids naming a turn the conversation does not have — dropped. */
  unknownTurnIds: number;
  /** Questions of categories 1-4 left with no valid evidence — dropped. */
  questionsWithoutEvidence: number;
  /** Category 5 (adversarial) questions — left out, as every published evaluation does. */
  adversarialQuestions: number;
  /** Observation references that were repaired, unreadable or unknown (summed). */
  observationIdsRepaired: number;
  observationIdsDropped: number;
  /** Observation facts left with no valid source turn — dropped. */
  observationsWithoutSource: number;
  /** Sessions whose date could not be read; their turns get the previous session's date. */
  unreadableSessionDates: number;
}

export function emptyDefectCounts(): DefectCounts {
  return {
    multiIdEvidenceStrings: 0,
    repairedIds: 0,
    unreadableIds: 0,
    unknownTurnIds: 0,
    questionsWithoutEvidence: 0,
    adversarialQuestions: 0,
    observationIdsRepaired: 0,
    observationIdsDropped: 0,
    observationsWithoutSource: 0,
    unreadableSessionDates: 0,
  };
}

export interface ParsedLocomo {
  conversations: LocomoConversation[];
  defects: DefectCounts;
}

export class LocomoFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocomoFormatError";
  }
}

type IdReading = { kind: "ok"; id: string; repaired: boolean } | { kind: "unreadable"; raw: string };

/** Reads one turn id in any of the spellings seen in the data. */
export function readDiaId(raw: string): IdReading {
  const m = /^D\s*:?\s*(\d+)\s*:\s*(\d+)$/i.exec(raw.trim());
  if (!m) return { kind: "unreadable", raw };
  const id = `D${Number(m[1])}:${Number(m[2])}`;
  return { kind: "ok", id, repaired: id !== raw };
}

/** Splits an evidence string that may hold several ids ("D8:6; D9:17", "D1:2,D1:3", "D1:2 D1:3"). */
export function splitEvidence(raw: string): string[] {
  return raw
    .split(/[;,]|\s+(?=D)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

interface IdCounters {
  repaired: number;
  unreadable: number;
  unknown: number;
  multi: number;
}

/** Valid, repaired, de-duplicated ids from a list of raw evidence strings. */
export function resolveIds(raws: unknown[], known: Set<string>, counters: IdCounters): string[] {
  const out: string[] = [];
  for (const raw of raws) {
    if (typeof raw !== "string") {
      counters.unreadable++;
      continue;
    }
    const parts = splitEvidence(raw);
    if (parts.length > 1) counters.multi++;
    if (parts.length === 0) counters.unreadable++;
    for (const part of parts) {
      const reading = readDiaId(part);
      if (reading.kind === "unreadable") {
        counters.unreadable++;
        continue;
      }
      if (reading.repaired) counters.repaired++;
      if (!known.has(reading.id)) {
        counters.unknown++;
        continue;
      }
      if (!out.includes(reading.id)) out.push(reading.id);
    }
  }
  return out;
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/**
 * "1:56 pm on 8 May, 2023" or "2023年5月8日下午1:56" / "2023年5月8日 晚上7:30" → "2023-05-08T13:56:00.000Z";
 * null when unreadable.
 */
export function parseSessionDate(text: unknown): string | null {
  if (typeof text !== "string") return null;
  return parseEnglishSessionDate(text) ?? parseChineseSessionDate(text);
}

function parseEnglishSessionDate(text: string): string | null {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[5].toLowerCase());
  if (month < 0) return null;
  let hour = Number(m[1]) % 12;
  if (m[3].toLowerCase() === "pm") hour += 12;
  return utcIso(Number(m[6]), month, Number(m[4]), hour, Number(m[2]));
}

/** Parts of the day written before a 12-hour clock time, and whether they are after noon. */
const ZH_DAY_PARTS: Record<string, "am" | "pm" | "noon"> = {
  凌晨: "am",
  早上: "am",
  早晨: "am",
  上午: "am",
  中午: "noon",
  下午: "pm",
  傍晚: "pm",
  晚上: "pm",
  夜里: "pm",
  夜间: "pm",
};

function parseChineseSessionDate(text: string): string | null {
  const m =
    /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]\s*(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间)?\s*(?:(\d{1,2})\s*[:：]\s*(\d{2}))?/.exec(
      text,
    );
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  if (month < 0 || month > 11 || day < 1 || day > 31) return null;
  let hour = m[5] === undefined ? 0 : Number(m[5]);
  const minute = m[6] === undefined ? 0 : Number(m[6]);
  const part = m[4] ? ZH_DAY_PARTS[m[4]] : undefined;
  // A 12-hour clock: 上午12:09 and 凌晨12:20 are just after midnight, 中午12:30 just after noon,
  // 中午1:00 and 下午1:56 in the afternoon; a 24-hour time (下午13:00) is kept as written.
  if (part === "am" && hour === 12) hour = 0;
  if (part === "pm" && hour < 12) hour += 12;
  if (part === "noon" && hour < 11) hour += 12;
  if (hour > 23 || minute > 59) return null;
  return utcIso(year, month, day, hour, minute);
}

function utcIso(year: number, month: number, day: number, hour: number, minute: number): string {
  return new Date(Date.UTC(year, month, day, hour, minute)).toISOString();
}

function sessionNumbers(conversation: Record<string, unknown>): number[] {
  return Object.keys(conversation)
    .map((k) => /^session_(\d+)$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null && Array.isArray(conversation[m[0]]))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function readSessions(conv: Record<string, unknown>, id: string, defects: DefectCounts): LocomoSession[] {
  const sessions: LocomoSession[] = [];
  let lastTime = "1970-01-01T00:00:00.000Z";
  for (const n of sessionNumbers(conv)) {
    let time = parseSessionDate(conv[`session_${n}_date_time`]);
    if (!time) {
      defects.unreadableSessionDates++;
      time = lastTime;
    }
    lastTime = time;
    const turns: LocomoTurn[] = [];
    for (const raw of conv[`session_${n}`] as Record<string, unknown>[]) {
      if (typeof raw?.dia_id !== "string" || typeof raw.text !== "string") {
        throw new LocomoFormatError(`${id} session ${n}: a turn lacks dia_id or text`);
      }
      const reading = readDiaId(raw.dia_id);
      turns.push({
        diaId: reading.kind === "ok" ? reading.id : raw.dia_id,
        speaker: String(raw.speaker ?? ""),
        text: raw.text,
        session: n,
        time,
      });
    }
    sessions.push({ index: n, time, turns });
  }
  return sessions;
}

function readObservations(
  raw: unknown,
  sessions: LocomoSession[],
  known: Set<string>,
  defects: DefectCounts,
): LocomoObservation[] {
  if (!raw || typeof raw !== "object") return [];
  const timeOf = new Map(sessions.map((s) => [s.index, s.time]));
  const out: LocomoObservation[] = [];
  for (const [key, bySpeaker] of Object.entries(raw as Record<string, unknown>)) {
    const session = Number(/^session_(\d+)_observation$/.exec(key)?.[1]);
    if (!Number.isFinite(session) || !bySpeaker || typeof bySpeaker !== "object") continue;
    for (const [speaker, facts] of Object.entries(bySpeaker as Record<string, unknown>)) {
      if (!Array.isArray(facts)) continue;
      for (const fact of facts) {
        if (!Array.isArray(fact) || typeof fact[0] !== "string") continue;
        const refs = Array.isArray(fact[1]) ? fact[1] : [fact[1]];
        const counters: IdCounters = { repaired: 0, unreadable: 0, unknown: 0, multi: 0 };
        const diaIds = resolveIds(refs, known, counters);
        defects.observationIdsRepaired += counters.repaired;
        defects.observationIdsDropped += counters.unreadable + counters.unknown;
        if (diaIds.length === 0) {
          defects.observationsWithoutSource++;
          continue;
        }
        out.push({ text: fact[0], speaker, diaIds, session, time: timeOf.get(session) ?? sessions[0]?.time ?? "" });
      }
    }
  }
  return out;
}

function readQuestions(raw: unknown, known: Set<string>, defects: DefectCounts): LocomoQuestion[] {
  if (!Array.isArray(raw)) return [];
  const out: LocomoQuestion[] = [];
  for (const qa of raw as Record<string, unknown>[]) {
    const category = Number(qa.category);
    if (category === 5) {
      defects.adversarialQuestions++;
      continue;
    }
    if (!(category >= 1 && category <= 4) || typeof qa.question !== "string") continue;
    const counters: IdCounters = { repaired: 0, unreadable: 0, unknown: 0, multi: 0 };
    const evidence = resolveIds(Array.isArray(qa.evidence) ? qa.evidence : [], known, counters);
    defects.repairedIds += counters.repaired;
    defects.unreadableIds += counters.unreadable;
    defects.unknownTurnIds += counters.unknown;
    defects.multiIdEvidenceStrings += counters.multi;
    if (evidence.length === 0) {
      defects.questionsWithoutEvidence++;
      continue;
    }
    out.push({ question: qa.question, category, evidence });
  }
  return out;
}

/** Parses the dataset (already JSON-decoded). Throws LocomoFormatError when it is not LoCoMo. */
export function parseLocomo(data: unknown): ParsedLocomo {
  if (!Array.isArray(data)) {
    throw new LocomoFormatError("LoCoMo input must be a JSON array of conversations (as in locomo10.json)");
  }
  const defects = emptyDefectCounts();
  const conversations = data.map((item: Record<string, unknown>, i): LocomoConversation => {
    const id = typeof item?.sample_id === "string" ? item.sample_id : `conversation-${i + 1}`;
    const conv = item?.conversation as Record<string, unknown> | undefined;
    if (!conv || typeof conv !== "object") throw new LocomoFormatError(`${id}: no "conversation" object`);
    const sessions = readSessions(conv, id, defects);
    const known = new Set(sessions.flatMap((s) => s.turns.map((t) => t.diaId)));
    return {
      id,
      speakers: [String(conv.speaker_a ?? ""), String(conv.speaker_b ?? "")],
      sessions,
      observations: readObservations(item.observation, sessions, known, defects),
      questions: readQuestions(item.qa, known, defects),
    };
  });
  return { conversations, defects };
}
