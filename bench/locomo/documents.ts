import type { LocomoConversation, LocomoTurn } from "../lib/locomo.js";

export type LocomoMode = "turns" | "observations";

/** One retrievable unit: a dialogue turn or an observation fact, with the turns it stands for. */
export interface RetrievalDoc {
  text: string;
  /** Evidence ids this document covers (one turn, or the turns an observation cites). */
  sourceIds: string[];
  session: number;
  /** Session date, ISO 8601. */
  time: string;
  /** Turns: the previous turn of the same session, which a reply often needs to be understood. */
  context?: string;
}

/** The documents of one session, in dialogue order: the unit of ingestion (one `add` each). */
export interface SessionDocs {
  session: number;
  time: string;
  docs: RetrievalDoc[];
}

const turnText = (t: LocomoTurn) => `${t.speaker}: ${t.text}`;

/** "turns": every turn as "Speaker: text"; "observations": LoCoMo's extracted facts. */
export function sessionDocs(conv: LocomoConversation, mode: LocomoMode): SessionDocs[] {
  if (mode === "turns") {
    return conv.sessions.map((s) => ({
      session: s.index,
      time: s.time,
      docs: s.turns.map((t, i) => ({
        text: turnText(t),
        sourceIds: [t.diaId],
        session: s.index,
        time: s.time,
        context: i > 0 ? turnText(s.turns[i - 1]) : undefined,
      })),
    }));
  }
  return conv.sessions
    .map((s) => ({
      session: s.index,
      time: s.time,
      docs: conv.observations
        .filter((o) => o.session === s.index)
        .map((o) => ({ text: o.text, sourceIds: o.diaIds, session: s.index, time: s.time })),
    }))
    .filter((s) => s.docs.length > 0);
}

/** The whole conversation as one would paste it into a prompt (the "no memory" context). */
export function conversationText(conv: LocomoConversation): string {
  return conv.sessions.flatMap((s) => s.turns.map(turnText)).join("\n");
}

/** Source ids travel through stores as one string; observations cite several turns. */
export const joinSourceIds = (ids: string[]): string => ids.join(",");
export const splitSourceIds = (sourceId: string | null | undefined): string[] =>
  sourceId ? sourceId.split(",").filter(Boolean) : [];
