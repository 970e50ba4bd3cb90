/** A run's settings come from one schema: defaults from the process settings, values checked. */
import { describe, expect, it } from "vitest";
import { zodToJsonSchema } from "zod-to-json-schema";
import { graphDefaults } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { contextSchema, DEFAULT_PERSONA } from "../../src/graph/context.js";
import { TurnInputError } from "../../src/graph/errors.js";
import { resolveRunSettings } from "../../src/graph/run-settings.js";
import { HumanMessage } from "@langchain/core/messages";
import { compileTestGraph, makeTestDeps } from "./graph-harness.js";

const config = (context: Record<string, unknown>) => ({ context });

describe("run settings", () => {
  const defaults = graphDefaults(loadSettings({ HISTORY_WINDOW: "5", HISTORY_TOKEN_BUDGET: "900", MEMORY_TOP_K: "4" }));

  it("take the process settings as defaults", () => {
    expect(resolveRunSettings(config({ userId: "ana" }), defaults)).toEqual({
      userId: "ana",
      historyWindow: 5,
      historyTokenBudget: 900,
      memoryTopK: 4,
      persona: DEFAULT_PERSONA,
    });
  });

  it("let a run override each default, and treat an empty persona as the default", () => {
    const run = resolveRunSettings(
      config({ userId: "ana", historyWindow: 2, memoryTopK: 10, persona: "  " }),
      defaults,
    );
    expect(run).toMatchObject({ historyWindow: 2, memoryTopK: 10, historyTokenBudget: 900, persona: DEFAULT_PERSONA });
    expect(resolveRunSettings(config({ userId: "ana", persona: "You are Pirate Bot." }), defaults).persona).toBe(
      "You are Pirate Bot.",
    );
  });

  it("fail a run whose context has a bad value before any node runs, naming the key (LangGraph checks the same schema)", async () => {
    const { deps } = makeTestDeps();
    const graph = compileTestGraph(deps);
    const run = (context: Record<string, unknown>) =>
      graph.invoke(
        { messages: [new HumanMessage("I like tea.")] },
        { configurable: { thread_id: `t-${Math.random()}` }, context: context as never },
      );
    await expect(run({ userId: "ana", memoryTopK: 99 })).rejects.toThrow(/memoryTopK must be at most 50/);
    await expect(run({ userId: "ana", historyWindow: null })).rejects.toThrow(/historyWindow/);
    await expect(run({ userId: "ana", historyWindow: 2 })).resolves.toMatchObject({ question: "I like tea." });
  });

  it("refuse a process default above the run limit when the settings are read", () => {
    expect(() => loadSettings({ MEMORY_TOP_K: "100" })).toThrow(/MEMORY_TOP_K must be at most 50/);
  });

  it("reject a bad value with a message naming the key", () => {
    const bad = (context: Record<string, unknown>) => () =>
      resolveRunSettings(config({ userId: "ana", ...context }), defaults);
    expect(bad({ memoryTopK: "ten" })).toThrow(TurnInputError);
    expect(bad({ memoryTopK: "ten" })).toThrow(/context\.memoryTopK: memoryTopK must be a number/);
    expect(bad({ memoryTopK: 51 })).toThrow(/context\.memoryTopK: memoryTopK must be at most 50/);
    expect(bad({ historyWindow: 2.5 })).toThrow(/context\.historyWindow: historyWindow must be a whole number/);
    expect(bad({ historyTokenBudget: 0 })).toThrow(/historyTokenBudget must be greater than 0/);
  });

  it("publish this process's defaults in the context schema Studio shows", () => {
    const json = zodToJsonSchema(contextSchema(defaults)) as {
      properties: Record<string, { default?: unknown }>;
      required?: string[];
    };
    expect(json.properties.historyWindow.default).toBe(5);
    expect(json.properties.memoryTopK.default).toBe(4);
    expect(json.required ?? []).not.toContain("userId");
  });
});
