import type { RetrievedMemory } from "../graph/state.js";
import type { MemoryJob } from "../memory/queue/types.js";
import type { SupersedeChain } from "../memory/supersede-chain.js";
import type { HistoryEntry, MemoryChange, MemoryRecord } from "../memory/types.js";

const VERB: Record<MemoryChange["operation"], string> = {
  ADD: "remembered",
  UPDATE: "updated",
  SUPERSEDE: "superseded",
  DELETE: "forgot",
};

/** One short line of what the turn did to long-term memory. */
export function changesLine(changes: MemoryChange[], status: string | undefined): string {
  if (status && status !== "ok") return `memory: ${status}`;
  if (changes.length === 0) return "memory: nothing new";
  return (
    "memory: " +
    changes
      .map((c) =>
        c.operation === "SUPERSEDE" || c.operation === "UPDATE"
          ? `${VERB[c.operation]} "${c.oldText}" → "${c.text}"`
          : `${VERB[c.operation]} "${c.text}"`,
      )
      .join("; ")
  );
}

export function usedLine(memories: RetrievedMemory[], status: string | undefined): string {
  if (status === "unavailable") return "used: long-term memory unavailable this turn";
  if (memories.length === 0) return "used: no memories";
  return `used: ${memories.map((m) => `"${m.text}"`).join(", ")}`;
}

export function memoryLine(m: MemoryRecord): string {
  const when = m.eventTime ? ` (${m.eventTime})` : "";
  const old = m.validTo ? ` [${m.supersededBy ? "superseded" : "closed"} ${m.validTo.slice(0, 10)}]` : "";
  const expires = m.expiresAt ? ` [until ${m.expiresAt.slice(0, 10)}]` : "";
  const weight = m.weight !== 1 ? ` [weight ${m.weight.toFixed(2)}]` : "";
  return `${m.id}  ${m.createdAt.slice(0, 10)}  ${m.category.padEnd(12)} ${m.text}${when}${expires}${weight}${old}`;
}

export function historyLine(h: HistoryEntry): string {
  const change =
    h.oldText && h.newText && h.oldText !== h.newText
      ? `"${h.oldText}" → "${h.newText}"`
      : `"${h.newText ?? h.oldText}"`;
  return `${h.at.slice(0, 19).replace("T", " ")}  ${h.operation.padEnd(9)} ${change}${h.threadId ? `  (thread ${h.threadId})` : ""}${h.reason ? `\n${" ".repeat(21)}why: ${h.reason}` : ""}`;
}

/**
 * The versions of a memory's fact, oldest first, this one marked with `*`: each with its validity
 * (from → to, or "now") and text. None when the memory neither replaced nor was replaced.
 */
export function versionLines(chain: SupersedeChain): string[] {
  const versions = [...chain.replaced, chain.memory, ...chain.replacedBy];
  const last = versions.at(-1)!;
  if (versions.length === 1 && !last.supersededBy) return [];
  const minute = (iso: string) => iso.slice(0, 16).replace("T", " ");
  const lines = versions.map(
    (m) =>
      `${m === chain.memory ? "*" : " "} ${minute(m.validFrom)} → ${(m.validTo ? minute(m.validTo) : "now").padEnd(16)}  ${m.id}  "${m.text}"`,
  );
  // A successor that was deleted after it superseded this fact leaves only its id behind.
  if (last.supersededBy) lines.push(`  replaced by ${last.supersededBy}, since deleted`);
  return ["versions of this fact, oldest first (* this one):", ...lines];
}

/** One memory update job: id, state, tries, and why it waits or died. */
export function jobLine(j: MemoryJob): string {
  const said = j.payload.kind ?? `"${(j.payload.input.find((m) => m.role === "user")?.content ?? "").slice(0, 40)}"`;
  const when =
    j.state === "queued" && j.attempts > 0 ? `  next try ${j.nextAttemptAt.slice(0, 19).replace("T", " ")}` : "";
  const why = j.lastError ? `  (${j.lastError})` : "";
  return `${j.id}  ${j.state.padEnd(7)} tries ${j.attempts}  ${j.createdAt.slice(0, 19).replace("T", " ")}  ${said}${when}${why}`;
}
