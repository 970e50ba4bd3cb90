/**
 * The scripted model's rules (test/helpers/scripted-model.ts) with a reconciliation that changes
 * stored memories, as a real model would: a new "I live in ..." SUPERSEDEs the stored one (the
 * old home stays as history), and a new fact that starts like a stored one with the same first
 * three words ("I play the piano in a band." after "I play the piano.") UPDATEs it in place.
 */
import type { BaseMessage } from "@langchain/core/messages";
import { messageText } from "../../src/memory/structured.js";
import { rememberingScript, type PromptKind } from "../helpers/scripted-model.js";

const head = (text: string) => text.split(/\s+/).slice(0, 3).join(" ");

export async function changingScript(kind: PromptKind, messages: BaseMessage[]): Promise<string> {
  if (kind !== "reconcile") return rememberingScript(kind, messages);
  const prompt = messageText(messages.at(-1)!);
  const stored = [...prompt.matchAll(/^\[(\d+)\] (.*)$/gm)].map((m) => ({ n: Number(m[1]), text: m[2] }));
  const facts = [...prompt.matchAll(/^\(([A-Z]\d*)\) (.*)$/gm)].map((m) => ({ letter: m[1], text: m[2] }));
  return JSON.stringify({
    decisions: facts.map((f) => {
      const match = stored.find((s) => head(s.text) === head(f.text) && s.text !== f.text);
      if (!match) return { fact: f.letter, action: "ADD" };
      return {
        fact: f.letter,
        action: f.text.startsWith("I live in ") ? "SUPERSEDE" : "UPDATE",
        memory: match.n,
        text: f.text,
      };
    }),
  });
}
