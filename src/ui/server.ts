import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { Hono } from "hono";
import { HTTPException } from "@langchain/langgraph-sdk/auth";
import type { Runtime } from "../app/runtime.js";
import { identifyCaller } from "../auth/langgraph-auth.js";
import type { TokenTable } from "../auth/tokens.js";
import { createApp } from "../server/create-app.js";
import type { ServerEnv } from "../server/env.js";

/**
 * `npx memories ui`: the memory inspector and the memory routes it calls, on the embedded store,
 * without `langgraph dev`. The same routes, tenant rules and refusals as the dev server's app
 * (identifyCaller): with AUTH_TOKENS every request but the page's own files needs a token and acts
 * as its user; without, the request names the user and only requests addressed to localhost are
 * answered.
 */
export function inspectorApp(runtime: Runtime, tokens: TokenTable | undefined): Hono<ServerEnv> {
  const queue = runtime.memoryWorker.queue;
  const app = new Hono<ServerEnv>();
  app.use(async (c, next) => {
    // The page's files carry no data, and the page asks for the token before any call: in token
    // mode they are served without one, as the dev server does (the host is still checked).
    const pageFile = c.req.method === "GET" && (c.req.path === "/ui" || c.req.path.startsWith("/ui/"));
    let caller;
    try {
      caller = identifyCaller(c.req.raw, pageFile ? undefined : tokens);
    } catch (error) {
      if (error instanceof HTTPException)
        return new Response(error.message, { status: error.status, headers: error.headers });
      throw error;
    }
    if (caller.is_authenticated) c.set("auth", { user: caller, scopes: [] });
    return next();
  });
  app.get("/", (c) => c.redirect("/ui"));
  app.route(
    "/",
    createApp({
      memory: runtime.memory,
      // Retry and drop change the queue only, as `memories queue` does: no job runs in this process
      // (it loads no chat model); a running chat or dev server stores a retried job within a second.
      worker: { queue, retry: (selection) => queue.retry(selection), drop: (id, userId) => queue.drop(id, userId) },
      logger: runtime.logger.child({ component: "ui" }),
      maxTextChars: runtime.settings.MAX_MESSAGE_CHARS,
    }),
  );
  return app;
}

/** Serves `app` on host:port with Node's own HTTP server; resolves once it listens. */
export function listen(app: Hono<ServerEnv>, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    answer(app, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "invalid_input", message: "The request could not be read." }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

async function answer(app: Hono<ServerEnv>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const request = new Request(new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`), {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
  } as RequestInit);
  const response = await app.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body || method === "HEAD") {
    res.end();
    return;
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  res.end();
}
