import { createServer, type Server } from "node:http";

/** What the endpoint does for one request: an HTTP error, a hang, or a streamed answer. */
export type Behaviour = { status: number } | { hang: true } | { text: string; usage?: boolean };

/**
 * A local HTTP server that answers like an OpenAI chat-completions endpoint, following a script
 * of behaviours (the last one repeats): real HTTP for the client's retry, backoff and timeout code.
 */
export async function startFakeOpenAI(
  script: Behaviour[],
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const behaviour = script[Math.min(count, script.length - 1)];
      count++;
      if ("hang" in behaviour) return; // never answers; the client's timeout must fire
      if ("status" in behaviour) {
        // Like OpenAI, a rate limit says when to come back.
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (behaviour.status === 429) headers["retry-after"] = "1";
        res.writeHead(behaviour.status, headers);
        res.end(JSON.stringify({ error: { message: `scripted ${behaviour.status}`, type: "server_error" } }));
        return;
      }
      const stream = JSON.parse(body || "{}").stream === true;
      const base = { id: "chatcmpl-test", created: 0, model: "fake" };
      if (!stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            ...base,
            object: "chat.completion",
            choices: [{ index: 0, message: { role: "assistant", content: behaviour.text }, finish_reason: "stop" }],
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const piece of behaviour.text.match(/\S+\s*/g) ?? []) {
        res.write(
          `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`,
        );
      }
      res.write(
        `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
      );
      if (behaviour.usage !== false) {
        res.write(
          `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } })}\n\n`,
        );
      }
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => count,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
