import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { TurnInputError } from "../../src/graph/errors.js";
import { checkTurn } from "../../src/graph/turn-input.js";

const limits = { maxMessageChars: 50 };
const refused = (input: unknown, ...user: unknown[]) => {
  const userId = user.length ? user[0] : "alice";
  try {
    checkTurn(input, userId, limits);
    return "accepted";
  } catch (e) {
    expect(e).toBeInstanceOf(TurnInputError);
    return (e as Error).message;
  }
};

describe("checkTurn, the gate in front of a turn", () => {
  it("accepts a user message in every shape a client sends", () => {
    for (const input of [
      { messages: [{ role: "user", content: "hi" }] },
      { messages: [{ type: "human", content: "hi" }] },
      { messages: [{ role: "user", content: [{ type: "text", text: "你好" }] }] },
      { messages: [new AIMessage("earlier"), new HumanMessage("hi")] },
      { messages: { role: "user", content: "a single message, not a list" } },
    ]) {
      expect(refused(input)).toBe("accepted");
    }
  });

  it("lets a run without input through (Studio re-running from a checkpoint adds nothing)", () => {
    expect(refused(null)).toBe("accepted");
    expect(refused(undefined)).toBe("accepted");
  });

  it("refuses what loadHistory would refuse, saying what to change", () => {
    expect(refused({ messages: [{ role: "user", content: "  " }] })).toMatch(/empty/);
    expect(refused({ messages: [{ role: "user", content: "x".repeat(51) }] })).toMatch(
      /51 characters; the limit is 50/,
    );
    expect(refused({ messages: [{ role: "user", content: "a\u0000b" }] })).toMatch(/control characters/);
    expect(refused({ messages: [{ role: "user", content: "a\ud800b" }] })).toMatch(/surrogate/);
    expect(refused({ messages: [] })).toMatch(/new user message/);
    expect(refused({})).toMatch(/new user message/);
    expect(refused("hello")).toMatch(/new user message/);
    expect(refused({ messages: [{ role: "assistant", content: "hi" }] })).toMatch(/new user message/);
    expect(refused({ messages: [{ content: "no role" }] })).toMatch(/message/);
    expect(refused({ messages: [{ role: "user", content: 42 }] })).toMatch(/message/);
  });

  it("refuses a run without a user id, or with one that is not a user id", () => {
    const hi = { messages: [{ role: "user", content: "hi" }] };
    expect(refused(hi, undefined)).toMatch(/No user id/);
    expect(refused(hi, "")).toMatch(/No user id/);
    expect(refused(hi, "u".repeat(300))).toMatch(/userId is 300 characters/);
    expect(refused(hi, 7)).toMatch(/userId/);
  });
});
