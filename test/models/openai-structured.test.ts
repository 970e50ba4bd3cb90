/**
 * Structured output over real HTTP against an OpenAI-shaped endpoint: the memory engine's
 * extraction asks with `response_format: json_schema` (the schema from the same zod schema that
 * validates the answer); a server that refuses it is asked with json_object, then with the prompt, from then on.
 */
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/settings.js";
import { extractFacts } from "../../src/memory/extract.js";
import { createChatModel } from "../../src/models/chat.js";

interface Seen {
  responseFormat?: { type: string; json_schema?: { name: string; schema: any } };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** Answers every chat request with `answer`; refuses response_format with a 400 when told to. */
async function endpoint(answer: string, refuseSchema: boolean): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const request = JSON.parse(body);
      seen.push({ responseFormat: request.response_format });
      res.setHeader("content-type", "application/json");
      if (refuseSchema && request.response_format) {
        res.statusCode = 400;
        res.end(
          JSON.stringify({ error: { message: "response_format is not supported", type: "invalid_request_error" } }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          id: "c1",
          object: "chat.completion",
          created: 0,
          model: "m",
          choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }],
        }),
      );
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server!.address() as { port: number }).port}/v1`, seen };
}

const model = (url: string) =>
  createChatModel(loadSettings({ CHAT_MODEL: "openai:m", OPENAI_BASE_URL: url, MODEL_MAX_RETRIES: "0" }));
const turn = { userText: "I live in Lisbon.", time: "2026-01-01T00:00:00Z" };
const answer = JSON.stringify({
  facts: [{ text: "Lives in Lisbon", category: "profile", about: "user", eventTime: null, forget: false }],
});

describe("structured output from an OpenAI-compatible endpoint (real HTTP)", () => {
  it("asks with response_format json_schema built from the zod schema", async () => {
    const { url, seen } = await endpoint(answer, false);
    const facts = await extractFacts(await model(url), turn);
    expect(facts.map((f) => f.text)).toEqual(["Lives in Lisbon"]);
    expect(seen).toHaveLength(1);
    expect(seen[0].responseFormat?.type).toBe("json_schema");
    expect(seen[0].responseFormat?.json_schema?.name).toBe("facts");
    expect(seen[0].responseFormat?.json_schema?.schema.properties.facts.maxItems).toBe(8);
  });

  it("steps down to json_object, then to the prompted JSON path for good, when the server refuses the field", async () => {
    const { url, seen } = await endpoint(answer, true);
    const chat = await model(url);
    expect((await extractFacts(chat, turn)).map((f) => f.text)).toEqual(["Lives in Lisbon"]);
    expect((await extractFacts(chat, turn)).map((f) => f.text)).toEqual(["Lives in Lisbon"]);
    expect(seen.map((s) => s.responseFormat?.type ?? "prompt")).toEqual([
      "json_schema",
      "json_object",
      "prompt",
      "prompt",
    ]);
  });

  it("falls back when the server ignores the schema and answers in prose", async () => {
    const { url, seen } = await endpoint("Sure! The user lives in Lisbon.", false);
    const error = await extractFacts(await model(url), turn).catch((e) => e);
    expect(error.name).toBe("MalformedOutputError");
    // Prose for json_object is not a refusal the client can
    // see: it fails validation, is asked once more, and is given up.
    expect(seen.map((s) => s.responseFormat?.type ?? "prompt")).toEqual(["json_schema", "json_object", "json_object"]);
  });
});
