import { coerceMessageLikeToMessage, isHumanMessage, type BaseMessageLike } from "@langchain/core/messages";
import { messageText } from "../models/structured.js";
import { hasLoneSurrogate, validateUserId } from "../memory/validation.js";
import { TurnInputError } from "./errors.js";

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const NEEDS_USER_MESSAGE =
  'A turn needs a new user message: send {"messages": [{"role": "user", "content": "..."}]}.';
const NEEDS_USER_ID =
  'No user id: pass it in the run context, e.g. {"context": {"userId": "alice"}} over HTTP or graph.invoke(input, {context: {userId: "alice"}}).';

/** The new user message of a turn, trimmed, or a TurnInputError saying what to change. */
export function checkMessage(text: string, maxChars: number): string {
  const trimmed = text.trim();
  if (!trimmed) throw new TurnInputError("The message is empty: type something to send.");
  if (trimmed.length > maxChars) {
    throw new TurnInputError(
      `The message has ${trimmed.length} characters; the limit is ${maxChars} (MAX_MESSAGE_CHARS). Split it or raise the limit.`,
    );
  }
  if (hasLoneSurrogate(trimmed)) throw new TurnInputError("The message contains invalid Unicode (a lone surrogate).");
  if (CONTROL_CHARS.test(trimmed))
    throw new TurnInputError("The message contains control characters; remove them and resend.");
  return trimmed;
}

/** A user id named by a run: present and valid, or a TurnInputError. */
export function checkUserId(userId: unknown): string {
  if (userId === undefined || userId === null || userId === "") throw new TurnInputError(NEEDS_USER_ID);
  try {
    return validateUserId(userId);
  } catch (e) {
    throw new TurnInputError((e as Error).message);
  }
}

/**
 * The gate in front of a turn: what loadHistory would refuse, checked before the run starts, so a
 * refused run leaves its thread exactly as it was (LangGraph writes a run's input into the thread
 * before the first node runs). The dev server calls it from the auth handler when a run is created,
 * the terminal chat before each turn; an embedding application calls it before `graph.invoke`.
 *
 * `input` is the run's input as a client sends it (JSON messages or LangChain messages); a run
 * without input (Studio re-running from a checkpoint) adds nothing to the thread and is let
 * through. `userId` is the user the run's context names after auth filled it in.
 */
export function checkTurn(input: unknown, userId: unknown, limits: { maxMessageChars: number }): void {
  if (input !== undefined && input !== null) {
    if (typeof input !== "object" || Array.isArray(input)) throw new TurnInputError(NEEDS_USER_MESSAGE);
    const given = (input as { messages?: unknown }).messages;
    const messages = Array.isArray(given) ? given : given === undefined || given === null ? [] : [given];
    const last = messages.at(-1);
    if (last === undefined) throw new TurnInputError(NEEDS_USER_MESSAGE);
    let message;
    try {
      message = coerceMessageLikeToMessage(last as BaseMessageLike);
    } catch {
      throw new TurnInputError(`The last message is not a chat message. ${NEEDS_USER_MESSAGE}`);
    }
    if (!isHumanMessage(message)) throw new TurnInputError(NEEDS_USER_MESSAGE);
    if (typeof message.content !== "string" && !Array.isArray(message.content))
      throw new TurnInputError(NEEDS_USER_MESSAGE);
    checkMessage(messageText(message), limits.maxMessageChars);
  }
  checkUserId(userId);
}
