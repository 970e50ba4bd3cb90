import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ExtractionSchema, candidateSentences, extractFacts } from "../../src/memory/extract.js";
import { reconcileFacts } from "../../src/memory/reconcile.js";
import { invokeJson, jsonSchemaOf, MalformedOutputError, type JsonSchema } from "../../src/memory/structured.js";
import type { MemoryRecord } from "../../src/memory/types.js";
import { ScriptedChatModel } from "../helpers/scripted-model.js";

/** A scripted model with a native JSON-schema path, as the local model and OpenAI servers have. */
class SchemaModel extends ScriptedChatModel {
  schemas: JsonSchema[] = [];
  constructor(
    private readonly native: Array<string | null>,
    prompted: string[] = [],
  ) {
    super(() => prompted.shift() ?? "no prompted reply left");
  }
  async generateWithJsonSchema(_messages: BaseMessage[], schema: JsonSchema): Promise<string | null> {
    this.schemas.push(schema);
    return this.native.shift() ?? null;
  }
}

const memory = (text: string): MemoryRecord => ({ text }) as MemoryRecord;

describe("structured output", () => {
  it("gives the native path the JSON schema of the same zod schema that validates the answer", async () => {
    const model = new SchemaModel(['{"facts": [{"text": "Lives in Lisbon", "category": "profile"}]}']);
    const facts = await extractFacts(model, { userText: "I live in Lisbon.", time: "2026-01-01T00:00:00Z" });
    expect(facts.map((f) => f.text)).toEqual(["Lives in Lisbon"]);
    expect(model.schemas[0]).toEqual(jsonSchemaOf(ExtractionSchema));
    const items = (model.schemas[0] as any).properties.facts;
    expect(items.maxItems).toBe(8);
    expect(items.items.properties.text.maxLength).toBe(300);
    expect(items.items.properties.category.enum).toContain("preference");
    expect(JSON.stringify(model.schemas[0])).not.toMatch(/"\$schema"|"anyOf"|"default"/);
    expect(model.calls).toHaveLength(0);
  });

  it("falls back to asking in the prompt when the native path is refused", async () => {
    const model = new SchemaModel([null, null], ['{"value": 3}']);
    expect(await invokeJson(model, [new HumanMessage("three")], z.object({ value: z.number() }))).toEqual({ value: 3 });
    expect(model.calls).toHaveLength(1);
  });

  it("retries once with the validation error, then rejects with the raw answer kept", async () => {
    const model = new SchemaModel(['{"value": "x"}', '{"value": "still x"}']);
    const error = await invokeJson(
      model,
      [new SystemMessage("s"), new HumanMessage("q")],
      z.object({ value: z.number() }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(MalformedOutputError);
    expect(error.message).toMatch(/value: Expected number/);
    expect(error.raw).toBe('{"value": "still x"}');
    expect(model.schemas).toHaveLength(2);
  });

  it("reports an answer cut off by the token limit as not closed", async () => {
    const model = new ScriptedChatModel(() => '{"facts": [{"text": "I like');
    const error = await invokeJson(model, [new HumanMessage("q")], ExtractionSchema).catch((e) => e);
    expect(error).toBeInstanceOf(MalformedOutputError);
    expect(error.message).toMatch(/not closed/);
  });

  it("keeps a fact whose date the model wrote wrongly, without the date", async () => {
    const model = new SchemaModel(['{"facts": [{"text": "Started a new job", "eventTime": "last week"}]}']);
    const [fact] = await extractFacts(model, {
      userText: "I started a new job last week.",
      time: "2026-01-01T00:00:00Z",
    });
    expect(fact).toMatchObject({ text: "Started a new job", eventTime: null, category: "other", about: "user" });
  });
});

describe("quotes extraction (small local models)", () => {
  it("lets the model choose only among the user's own sentences, questions and greetings left out", async () => {
    const model = new SchemaModel(['{"facts": ["我对花生过敏。"]}']);
    const facts = await extractFacts(
      model,
      { userText: "你好！今天下雨了。我对花生过敏。你能推荐一道菜吗？", time: "2026-01-01T00:00:00Z" },
      { style: "quotes" },
    );
    expect(facts.map((f) => f.text)).toEqual(["我对花生过敏。"]);
    const items = (model.schemas[0] as any).properties.facts;
    expect(items.items.enum).toEqual(["今天下雨了。", "我对花生过敏。"]);
  });

  it("rejects a sentence the user did not write", async () => {
    const model = new SchemaModel([
      '{"facts": ["I am allergic to nuts."]}',
      '{"facts": ["I\'m allergic to peanuts."]}',
    ]);
    const facts = await extractFacts(
      model,
      { userText: "I'm allergic to peanuts.", time: "2026-01-01T00:00:00Z" },
      { style: "quotes" },
    );
    expect(facts.map((f) => f.text)).toEqual(["I'm allergic to peanuts."]);
  });

  it("asks nothing when the message has no sentence that could state a fact", async () => {
    const model = new SchemaModel([]);
    expect(
      await extractFacts(
        model,
        { userText: "What's the weather like? Hi!", time: "2026-01-01T00:00:00Z" },
        { style: "quotes" },
      ),
    ).toEqual([]);
    expect(model.schemas).toHaveLength(0);
  });

  it("splits Chinese and English sentences and drops fragments and duplicates", () => {
    expect(candidateSentences("I moved to Denver. OK. I moved to Denver. 我们搬到了成都。嗯。Is it cold?")).toEqual([
      "I moved to Denver.",
      "我们搬到了成都。",
    ]);
  });
});

describe("reconcile schema", () => {
  const facts = [
    {
      text: "Lives in Paris",
      category: "profile" as const,
      about: "user",
      eventTime: null,
      expiresAt: null,
      forget: false,
      entities: [],
      relations: [],
    },
  ];

  it("offers only the fact letters and memory numbers shown", async () => {
    const model = new SchemaModel(['{"decisions": [{"fact": "A", "action": "SUPERSEDE", "memory": 1}]}']);
    const [decision] = await reconcileFacts(model, facts, [memory("Lives in Rome"), memory("Lives in Berlin")]);
    expect(decision).toMatchObject({ action: "SUPERSEDE", text: "Lives in Paris" });
    expect(decision.target?.text).toBe("Lives in Berlin");
    const item = (model.schemas[0] as any).properties.decisions.items.properties;
    expect(item.fact.enum).toEqual(["A"]);
    expect(JSON.stringify(item.memory)).toContain('"enum":[0,1]');
  });

  it("refuses DELETE for a fact the user did not ask to forget", async () => {
    const model = new SchemaModel([
      '{"decisions": [{"fact": "A", "action": "DELETE", "memory": 0}]}',
      '{"decisions": [{"fact": "A", "action": "SUPERSEDE", "memory": 0}]}',
    ]);
    const [decision] = await reconcileFacts(model, facts, [memory("Lives in Rome")]);
    expect(decision.action).toBe("SUPERSEDE");
    expect(model.schemas).toHaveLength(2);
  });

  it("asks a quoting model for no text of its own, so an UPDATE keeps the user's words", async () => {
    const model = new SchemaModel(['{"decisions": [{"fact": "A", "action": "UPDATE", "memory": 0}]}']);
    const [decision] = await reconcileFacts(model, facts, [memory("Lives in France")], { style: "quotes" });
    expect(decision).toMatchObject({ action: "UPDATE", text: "Lives in Paris" });
    expect((model.schemas[0] as any).properties.decisions.items.properties.text).toBeUndefined();
    expect((model.schemas[0] as any).properties.decisions.items.properties.action.enum).not.toContain("DELETE");
  });

  it("keeps the fact's own text for ADD even when the model writes another", async () => {
    const model = new SchemaModel([
      '{"decisions": [{"fact": "A", "action": "ADD", "text": "something else entirely"}]}',
    ]);
    const [decision] = await reconcileFacts(model, facts, [memory("Likes tea")]);
    expect(decision).toMatchObject({ action: "ADD", text: "Lives in Paris" });
  });
});

describe("prompted JSON from models without a native path", () => {
  it("still reads JSON wrapped in a fence", async () => {
    const model = new ScriptedChatModel(() => 'Here:\n```json\n{"value": 1}\n```');
    expect(
      await invokeJson(model, [new HumanMessage("q"), new AIMessage("a")], z.object({ value: z.number() })),
    ).toEqual({ value: 1 });
  });

  // Why src/memory/structured.ts keeps its own reader rather than @langchain/core's
  // parseJsonMarkdown: that one returns null for JSON inside prose (what small local models write)
  // and completes a cut-off answer, silently dropping the facts after the cut.
  it("reads JSON inside prose, and refuses an answer cut off mid-list instead of completing it", async () => {
    const prose = new ScriptedChatModel(() => 'Sure! {"value": 2} Hope this helps.');
    expect(await invokeJson(prose, [new HumanMessage("q")], z.object({ value: z.number() }))).toEqual({ value: 2 });
    const cut = new ScriptedChatModel(() => '{"facts": ["a", "b"');
    await expect(invokeJson(cut, [new HumanMessage("q")], z.object({ facts: z.array(z.string()) }))).rejects.toThrow(
      /not closed/,
    );
  });
});
