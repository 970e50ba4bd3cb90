import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import { LlamaCppChatModel } from "../../src/models/llama-cpp.js";
import { invokeJson } from "../../src/memory/structured.js";
import { extractFacts } from "../../src/memory/extract.js";

const MODEL = "models/SmolLM2-135M-Instruct.Q4_1.gguf";
const present = existsSync(MODEL);
if (!present) console.log("skipped: no local GGUF model; run npm run models:fetch");

describe.skipIf(!present)("llama.cpp chat model (real SmolLM2 135M, CPU)", () => {
  let model: LlamaCppChatModel;

  it("loads, reporting progress", async () => {
    const progress: string[] = [];
    model = await LlamaCppChatModel.load(MODEL, { maxTokens: 48, onProgress: (m) => progress.push(m) });
    expect(progress.at(-1)).toMatch(/100%/);
  }, 120_000);

  it("streams a reply in several chunks", async () => {
    const chunks: string[] = [];
    for await (const chunk of await model.stream([
      new SystemMessage("You are brief."),
      new HumanMessage("Name three colours."),
    ])) {
      chunks.push(String(chunk.content));
    }
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join("").trim().length).toBeGreaterThan(0);
  }, 120_000);

  it("serves calls one after another on one context", async () => {
    const replies = await Promise.all([
      model.invoke([new HumanMessage("Say yes.")]),
      model.invoke([new HumanMessage("Say no.")]),
    ]);
    for (const r of replies) expect(typeof r.content).toBe("string");
  }, 120_000);

  it("answers the engine's structured calls with JSON that always parses (grammar from the zod schema)", async () => {
    const schema = z.object({ facts: z.array(z.object({ text: z.string().max(80) })).max(3) });
    for (const text of ["I live in Lisbon.", "我住在里斯本。", "What time is it?"]) {
      const value = await invokeJson(
        model,
        [
          new SystemMessage('List the facts about the user as JSON {"facts": [{"text": "..."}]}'),
          new HumanMessage(text),
        ],
        schema,
      );
      expect(Array.isArray(value.facts)).toBe(true);
      expect(value.facts.length).toBeLessThanOrEqual(3);
    }
  }, 180_000);

  it("an answer past its deadline ends with the text so far, not an error", async () => {
    const brief = await LlamaCppChatModel.load(MODEL, { maxTokens: 2000, answerDeadlineMs: 1500 });
    const started = performance.now();
    const reply = await brief.invoke([new HumanMessage("Write a long story about a lighthouse keeper.")]);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(reply.text.length).toBeGreaterThan(0);
  }, 120_000);

  it("a call cancelled while it waits for the model gives up its place; the calls around it still run", async () => {
    const first = model.invoke([new HumanMessage("Name three colours.")]);
    const cancel = new AbortController();
    const waiting = model.invoke([new HumanMessage("Say yes.")], { signal: cancel.signal });
    cancel.abort(new Error("the update's deadline passed"));
    await expect(waiting).rejects.toThrow(/deadline passed|abort/i);
    expect(typeof (await first).content).toBe("string");
    const after = await Promise.race([
      model.invoke([new HumanMessage("Say no.")]),
      new Promise((r) => setTimeout(() => r("stuck"), 60_000)),
    ]);
    expect(after).not.toBe("stuck");
  }, 180_000);
});

const MEMORY_MODEL = "models/gemma-3-270m-q4_k_m.gguf";
if (!existsSync(MEMORY_MODEL)) console.log("skipped: no models/gemma-3-270m-q4_k_m.gguf; run npm run models:fetch");

describe.skipIf(!existsSync(MEMORY_MODEL))("local memory model (real Gemma 3 270M, CPU), quotes extraction", () => {
  it("keeps the fact of a turn in the user's own words, English and Chinese, and nothing from a question", async () => {
    const model = await LlamaCppChatModel.load(MEMORY_MODEL);
    const time = "2026-06-01T00:00:00Z";
    const en = await extractFacts(model, { userText: "Hi! I'm allergic to peanuts.", time }, { style: "quotes" });
    expect(en.map((f) => f.text)).toContain("I'm allergic to peanuts.");
    const zh = await extractFacts(model, { userText: "我对花生过敏。", time }, { style: "quotes" });
    expect(zh.map((f) => f.text)).toEqual(["我对花生过敏。"]);
    expect(await extractFacts(model, { userText: "What's the weather like?", time }, { style: "quotes" })).toEqual([]);
  }, 300_000);
});
