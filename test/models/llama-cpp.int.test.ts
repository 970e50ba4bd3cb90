import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import { LlamaCppChatModel } from "../../src/models/llama-cpp.js";
import { invokeJson } from "../../src/memory/structured.js";

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
    for await (const chunk of await model.stream([new SystemMessage("You are brief."), new HumanMessage("Name three colours.")])) {
      chunks.push(String(chunk.content));
    }
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join("").trim().length).toBeGreaterThan(0);
  }, 120_000);

  it("serves calls one after another on one context", async () => {
    const replies = await Promise.all([model.invoke([new HumanMessage("Say yes.")]), model.invoke([new HumanMessage("Say no.")])]);
    for (const r of replies) expect(typeof r.content).toBe("string");
  }, 120_000);

  it("a call cancelled while it waits for the model gives up its place; the calls around it still run", async () => {
    const first = model.invoke([new HumanMessage("Name three colours.")]);
    const cancel = new AbortController();
    const waiting = model.invoke([new HumanMessage("Say yes.")], { signal: cancel.signal });
    cancel.abort(new Error("the update's deadline passed"));
    await expect(waiting).rejects.toThrow(/deadline passed|abort/i);
    expect(typeof (await first).content).toBe("string");
    const after = await Promise.race([model.invoke([new HumanMessage("Say no.")]), new Promise((r) => setTimeout(() => r("stuck"), 60_000))]);
    expect(after).not.toBe("stuck");
  }, 180_000);

  it("goes through the engine's JSON path: valid JSON or a clear rejection, never a crash", async () => {
    const schema = z.object({ facts: z.array(z.object({ text: z.string() })) });
    const result = await invokeJson(model, [new SystemMessage('Answer only with JSON like {"facts": [{"text": "..."}]}'), new HumanMessage("I live in Lisbon.")], schema).then(
      (value) => ({ ok: true as const, value }),
      (error: Error) => ({ ok: false as const, error }),
    );
    if (result.ok) expect(Array.isArray(result.value.facts)).toBe(true);
    else expect(result.error.name).toBe("MalformedOutputError");
  }, 180_000);
});
