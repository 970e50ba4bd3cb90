/**
 * A local OpenAI-shaped endpoint (chat completions and embeddings) that answers each prompt by
 * its kind with the scripted test model's rules (test/helpers/scripted-model.ts), so a real
 * process can run the product against it over real HTTP. Kinds can be made to hang, and the test
 * can wait until a request of a kind arrives: that is how a process is caught mid-run.
 */
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { createHash } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { promptKind, rememberingScript, type PromptKind, type Script } from "../helpers/scripted-model.js";

export const EMBEDDING_DIMS = 16;

export interface ScriptedServer {
  url: string;
  /** Requests of these kinds get no answer until the process making them dies. */
  hang: Set<PromptKind>;
  /** The user message of every answer request, in order (what the product sent the model). */
  questions: string[];
  /**
   * Answers for the next answer requests, in order, instead of the rules' answer: streamed one
   * character a chunk (the role in the first, as OpenAI does), each chunk cut inside a multi-byte
   * character across two network writes.
   */
  replies: string[];
  /** Resolves when the next request of this kind arrives. */
  arrival: (kind: PromptKind) => Promise<void>;
  close: () => Promise<void>;
}

/** `script` answers each kind of prompt (the remembering script, which only ever ADDs, by default). */
export async function startScriptedOpenAI(options: { script?: Script } = {}): Promise<ScriptedServer> {
  const script = options.script ?? rememberingScript;
  const hang = new Set<PromptKind>();
  const waiting = new Map<PromptKind, Array<() => void>>();
  const questions: string[] = [];
  const replies: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const request = JSON.parse(body || "{}");
      res.setHeader("content-type", "application/json");
      if (req.url?.endsWith("/embeddings")) {
        const inputs: string[] = Array.isArray(request.input) ? request.input : [request.input];
        res.end(
          JSON.stringify({
            object: "list",
            data: inputs.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text) })),
            model: "fake",
          }),
        );
        return;
      }
      const messages: BaseMessage[] = (request.messages as { role: string; content: string }[]).map((m) =>
        m.role === "system"
          ? new SystemMessage(m.content)
          : m.role === "assistant"
            ? new AIMessage(m.content)
            : new HumanMessage(m.content),
      );
      const kind = promptKind(messages);
      if (kind === "answer") questions.push(String(request.messages.at(-1)?.content ?? ""));
      for (const wake of waiting.get(kind) ?? []) wake();
      waiting.delete(kind);
      if (hang.has(kind)) return;
      const reply = kind === "answer" ? replies.shift() : undefined;
      const text = reply ?? (await script(kind, messages));
      const base = { id: "chatcmpl-test", created: 0, model: "fake" };
      if (request.stream !== true) {
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
      if (reply !== undefined) {
        for (const [i, char] of [...reply].entries())
          await writeCut(res, chunk(i === 0 ? { role: "assistant", content: char } : { content: char }, null));
      } else {
        for (const piece of text.match(/\S+\s*/g) ?? []) res.write(chunk({ content: piece }, null));
      }
      res.end(chunk({}, "stop") + "data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1`,
    hang,
    questions,
    replies,
    arrival: (kind) => new Promise((resolve) => waiting.set(kind, [...(waiting.get(kind) ?? []), resolve])),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * The environment of a product process whose chat model and embeddings are this endpoint, with
 * long-term memory in its own DATA_DIR (never a QDRANT_URL the test run was given).
 */
export function productEnv(
  endpoint: ScriptedServer,
  dataDir: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    MEMORY_STORE: "sqlite",
    CHAT_MODEL: "openai:fake",
    EMBEDDING_MODEL: "openai:fake",
    OPENAI_BASE_URL: endpoint.url,
    OPENAI_API_KEY: "test",
    LOG_LEVEL: "error",
    ...extra,
  };
}

/** Writes in two network writes cut inside the first multi-byte character, as TCP may deliver it. */
async function writeCut(res: ServerResponse, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  const cut = bytes.findIndex((b) => b >= 0x80) + 1;
  if (cut > 0) {
    res.write(bytes.subarray(0, cut));
    await new Promise((r) => setTimeout(r, 5));
  }
  res.write(bytes.subarray(Math.max(cut, 0)));
}

/** A deterministic unit vector per text. */
function vectorOf(text: string): number[] {
  const bytes = createHash("sha256").update(text).digest();
  const v = Array.from({ length: EMBEDDING_DIMS }, (_, i) => bytes[i] / 255 - 0.5);
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}
