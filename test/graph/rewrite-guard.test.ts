import { describe, expect, it } from "vitest";
import { implausibleRewrite } from "../../src/graph/rewrite-guard.js";

describe("rewrite guard", () => {
  it("accepts a self-contained question a few names longer", () => {
    expect(
      implausibleRewrite("and the second one?", "What is the second design pattern in the list, the Observer pattern?"),
    ).toBeNull();
    expect(implausibleRewrite("那第二个呢？", "列表中的第二个设计模式是什么？")).toBeNull();
  });

  it("rejects a rewrite many times longer than the question", () => {
    expect(implausibleRewrite("and then?", "x".repeat(400))).toMatch(/too long/);
  });

  it("rejects apologies and meta-talk in English and Chinese", () => {
    expect(implausibleRewrite("where do I live?", "I'm sorry for any confusion, but I can't know that.")).toMatch(
      /meta-talk/,
    );
    expect(implausibleRewrite("where do I live?", "Here is the rewritten question: where do I live?")).toMatch(
      /meta-talk/,
    );
    expect(implausibleRewrite("我住在哪里？", "抱歉，我无法回答这个问题。")).toMatch(/meta-talk/);
    expect(implausibleRewrite("我住在哪里？", "作为一个AI，我不知道。")).toMatch(/meta-talk/);
  });

  it("rejects repeated text", () => {
    expect(
      implausibleRewrite(
        "what about my sister and her new job there?",
        "my sister's job my sister's job my sister's job",
      ),
    ).toMatch(/repeats/);
    expect(implausibleRewrite("what did I say about the trip plans?", "What trip plans?\nWhat trip plans?")).toMatch(
      /repeats/,
    );
  });
});
