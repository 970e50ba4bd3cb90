import { describe, expect, it } from "vitest";
import { createLogger, redactQuoted } from "../src/logger.js";

describe("logger", () => {
  const capture = (level: "debug" | "info") => {
    const lines: any[] = [];
    return { lines, log: createLogger(level, { component: "t" }, (l) => lines.push(JSON.parse(l))) };
  };

  it("keeps quoted message content out of warn and error lines", () => {
    let parseError = "";
    try {
      JSON.parse('{"facts": my secret is 4711}');
    } catch (e) {
      parseError = (e as Error).message;
    }
    const { lines, log } = capture("info");
    log.warn("memory update kept as pending", { error: `not valid JSON (${parseError})`, count: 2 });
    expect(lines[0].error).not.toContain("4711");
    expect(lines[0].error).toMatch(/not valid JSON/);
    expect(lines[0]).toMatchObject({ level: "warn", component: "t", count: 2 });
  });

  it("shows everything at debug level, and nothing below the threshold", () => {
    const { lines, log } = capture("debug");
    log.debug("raw", { reply: '"my secret is 4711"' });
    expect(lines[0].reply).toContain("4711");
    const quiet = capture("info");
    quiet.log.debug("raw", { reply: "x" });
    expect(quiet.lines).toEqual([]);
  });

  it("replaces each quoted fragment by its length", () => {
    expect(redactQuoted(`Unexpected token 'm', "my secret" is not valid JSON`)).toBe(
      "Unexpected token <1 chars>, <9 chars> is not valid JSON",
    );
    expect(redactQuoted("“我住在上海”")).toBe("<5 chars>");
  });
});
