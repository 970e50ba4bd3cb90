/**
 * The hosted providers (src/models/providers.ts) over real HTTP: a server on 127.0.0.1 speaks the
 * OpenAI-compatible wire format each provider documents, with the limits they document (float
 * embeddings only, a batch size, json_object where json_schema is not offered), and each
 * provider's base-URL variable points the product at it. A chat call, a streamed call, a
 * structured call (the memory engine's extraction) and an embeddings call per provider.
 */
import { HumanMessage } from "@langchain/core/messages";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/settings.js";
import { extractFacts } from "../../src/memory/extract.js";
import { createChatModel } from "../../src/models/chat.js";
import { createEmbeddings } from "../../src/models/embeddings.js";
import { HOSTED_PROVIDERS, type HostedProvider } from "../../src/models/providers.js";

interface Seen {
  path: string;
  authorization?: string;
  body: any;
}

interface ProviderServer {
  url: string;
  seen: Seen[];
  /** response_format types this server refuses with a 400, as a provider without them does. */
  refuse: Set<string>;
  /** Texts per embeddings request above which it answers 400. */
  batchLimit: number;
}

const FACTS = JSON.stringify({
  facts: [{ text: "住在杭州", category: "profile", about: "user", eventTime: null, forget: false }],
});

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => resolve(body));
  });
}

async function providerServer(basePath: string): Promise<{ server: Server; state: ProviderServer }> {
  const state: ProviderServer = { url: "", seen: [], refuse: new Set(), batchLimit: Infinity };
  const server = createServer(async (req, res) => {
    const body = JSON.parse((await read(req)) || "{}");
    const path = req.url ?? "";
    state.seen.push({ path, authorization: req.headers.authorization, body });
    res.setHeader("content-type", "application/json");
    const fail = (message: string) => {
      res.statusCode = 400;
      res.end(JSON.stringify({ error: { message, type: "invalid_request_error" } }));
    };
    if (path === `${basePath}/embeddings`) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      if (body.encoding_format !== "float")
        return fail(`encoding_format ${body.encoding_format} is not supported, only float`);
      if (inputs.length > state.batchLimit) return fail(`batch size ${inputs.length} is over ${state.batchLimit}`);
      res.end(
        JSON.stringify({
          object: "list",
          model: body.model,
          data: inputs.map((text, index) => ({ object: "embedding", index, embedding: [text.length, 1, 0.5] })),
        }),
      );
      return;
    }
    if (path !== `${basePath}/chat/completions`) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { message: `no route ${path}` } }));
      return;
    }
    const format = body.response_format?.type;
    if (format && state.refuse.has(format)) return fail(`response_format type ${format} is unavailable for this model`);
    const text = format ? FACTS : `你好, ${body.model}`;
    const base = { id: "chatcmpl-1", created: 0, model: body.model };
    if (body.stream !== true) {
      res.end(
        JSON.stringify({
          ...base,
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        }),
      );
      return;
    }
    res.setHeader("content-type", "text/event-stream");
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const pieces = [...text];
    res.write(chunk({ role: "assistant", content: "" }, null));
    for (const piece of pieces) res.write(chunk({ content: piece }, null));
    res.end(chunk({}, "stop") + "data: [DONE]\n\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}${basePath}`;
  return { server, state };
}

const KEY = "test-key-0123456789";
const turn = { userText: "我住在杭州。", time: "2026-01-01T00:00:00Z" };

describe.each(HOSTED_PROVIDERS.map((p) => [p.id, p] as const))(
  "hosted provider %s (real HTTP, scripted server)",
  (_id, provider: HostedProvider) => {
    let server: Server;
    let state: ProviderServer;
    // The provider's own path (e.g. /compatible-mode/v1, /api/paas/v4): the base URL is used as given.
    const basePath = new URL(provider.defaultBaseUrl).pathname.replace(/\/$/, "");
    const env = () => ({
      [provider.keyVariables[0]]: KEY,
      [provider.baseUrlVariable]: state.url,
      MODEL_MAX_RETRIES: "0",
      MODEL_TIMEOUT_S: "10",
    });
    const chatModel = (model: string) =>
      createChatModel(loadSettings({ CHAT_MODEL: `${provider.id}:${model}`, ...env() }));

    beforeAll(async () => ({ server, state } = await providerServer(basePath)));
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("answers a chat call with the provider's key as the bearer token", async () => {
      state.seen.length = 0;
      const reply = await (await chatModel("chat-m")).invoke([new HumanMessage("你好")]);
      expect(reply.content).toBe("你好, chat-m");
      expect(state.seen).toHaveLength(1);
      expect(state.seen[0].path).toBe(`${basePath}/chat/completions`);
      expect(state.seen[0].authorization).toBe(`Bearer ${KEY}`);
      expect(state.seen[0].body.model).toBe("chat-m");
    });

    it("streams a reply chunk by chunk", async () => {
      const chunks: string[] = [];
      for await (const chunk of await (await chatModel("stream-m")).stream([new HumanMessage("hi")]))
        chunks.push(String(chunk.content));
      expect(chunks.join("")).toBe("你好, stream-m");
      expect(chunks.filter((c) => c !== "").length).toBe([..."你好, stream-m"].length);
      expect(state.seen.at(-1)!.body.stream).toBe(true);
    });

    it(`asks for structured output with ${provider.structuredOutput} and steps down when the model refuses it`, async () => {
      state.seen.length = 0;
      const model = await chatModel("structured-m");
      expect((await extractFacts(model, turn)).map((f) => f.text)).toEqual(["住在杭州"]);
      expect(state.seen.map((s) => s.body.response_format?.type)).toEqual([provider.structuredOutput]);
      if (provider.structuredOutput === "json_object") {
        // json_object carries no schema: the prompt must describe the JSON (and name it, as these providers require).
        expect(JSON.stringify(state.seen[0].body.messages)).toMatch(/JSON/);
      } else {
        expect(state.seen[0].body.response_format.json_schema.schema.properties.facts.type).toBe("array");
      }
      // A model of the provider without this mode: the next mode, then the prompt, kept from then on.
      state.seen.length = 0;
      state.refuse = new Set(["json_schema", "json_object"]);
      const refusing = await chatModel("older-m");
      try {
        // The prompted path's answer is plain text here; it is asked again once with the error, then given up.
        const error = await extractFacts(refusing, turn).catch((e) => e);
        expect(error.name).toBe("MalformedOutputError");
        const expected =
          provider.structuredOutput === "json_schema"
            ? ["json_schema", "json_object", "prompt", "prompt"]
            : ["json_object", "prompt", "prompt"];
        expect(state.seen.map((s) => s.body.response_format?.type ?? "prompt")).toEqual(expected);
      } finally {
        state.refuse = new Set();
      }
    });

    if (provider.embeddings) {
      const batchSize = provider.embeddings.batchSize;
      it(`embeds as float arrays in batches of at most ${batchSize}`, async () => {
        state.batchLimit = batchSize;
        state.seen.length = 0;
        const info = await createEmbeddings(loadSettings({ EMBEDDING_MODEL: `${provider.id}:embed-m`, ...env() }));
        expect(info.id).toBe(`${provider.id}:embed-m`);
        expect(info.dims).toBe(3);
        const texts = Array.from({ length: batchSize + 3 }, (_, i) => "x".repeat(i + 1));
        const vectors = await info.embeddings.embedDocuments(texts);
        expect(vectors.map((v) => v[0])).toEqual(texts.map((t) => t.length));
        const calls = state.seen.slice(1);
        // The batches go out side by side, so they may arrive in either order.
        expect(calls.map((c) => c.body.input.length).sort((a, b) => b - a)).toEqual([batchSize, 3]);
        expect(
          state.seen.every((c) => c.path === `${basePath}/embeddings` && c.authorization === `Bearer ${KEY}`),
        ).toBe(true);
      });
    } else {
      it("refuses it as an embedder, naming embedders that exist", async () => {
        const error = await createEmbeddings(
          loadSettings({ EMBEDDING_MODEL: `${provider.id}:embed-m`, ...env() }),
        ).catch((e) => e);
        expect(error.name).toBe("ModelConfigError");
        expect(error.message).toMatch(/offers no embeddings API; choose e\.g\. qwen:text-embedding-v3/);
      });
    }

    it(`says to set ${provider.keyVariables[0]} when the key is missing`, async () => {
      const error = await createChatModel(loadSettings({ CHAT_MODEL: `${provider.id}:m` })).catch((e) => e);
      expect(error.name).toBe("ModelConfigError");
      expect(error.message).toContain(`CHAT_MODEL=${provider.id}:m needs ${provider.keyVariables[0]}`);
      expect(error.message).toContain(provider.baseUrlVariable);
      const embedding =
        provider.embeddings &&
        (await createEmbeddings(loadSettings({ EMBEDDING_MODEL: `${provider.id}:e` })).catch((e) => e));
      if (embedding)
        expect(embedding.message).toContain(`EMBEDDING_MODEL=${provider.id}:e needs ${provider.keyVariables[0]}`);
    });
  },
);

describe("hosted provider settings", () => {
  it("takes Zhipu's key under the older SDK's name too", async () => {
    const model = await createChatModel(loadSettings({ CHAT_MODEL: "zhipu:glm-4-flash", ZHIPUAI_API_KEY: KEY }));
    expect((model as unknown as { apiKey: string }).apiKey).toBe(KEY);
  });

  it("names MEMORY_MODEL when that is the setting without a key", async () => {
    const error = await createChatModel(
      loadSettings({
        CHAT_MODEL: "deepseek:deepseek-chat",
        DEEPSEEK_API_KEY: KEY,
        MEMORY_MODEL: "moonshot:moonshot-v1-8k",
      }),
      { role: "memory" },
    ).catch((e) => e);
    expect(error.message).toContain("MEMORY_MODEL=moonshot:moonshot-v1-8k needs MOONSHOT_API_KEY");
  });

  it("rejects a base URL that is not a URL, by its variable's name", () => {
    expect(() => loadSettings({ DASHSCOPE_BASE_URL: "dashscope" })).toThrow(/DASHSCOPE_BASE_URL must be a URL/);
  });
});
