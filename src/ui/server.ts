import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { Hono, type Context } from "hono";
import type { Runtime } from "../app/runtime.js";
import { requestToken, type TokenTable } from "../auth/tokens.js";
import { createApp } from "../server/create-app.js";
import type { ServerEnv } from "../server/env.js";

/**
 * `npx memories ui`: the memory inspector and the memory routes it calls, on the embedded store,
 * without `langgraph dev`. The same routes and tenant rules as the dev server's app: with
 * AUTH_TOKENS every request but the page's own files needs a token and acts as its user; without,
 * the request names the user and only requests addressed to localhost are answered.
 */
export function inspectorApp(runtime: Runtime, tokens: TokenTable | undefined): Hono<ServerEnv> {
  const queue = runtime.memoryWorker.queue;
  const app = new Hono<ServerEnv>();
  app.use(async (c, next) => {
    if (!tokens) {
      const host = new URL(c.req.url).hostname;
      if (!LOOPBACK_HOSTS.has(host)) {
        return refuse(c, 403, `Auth is off (AUTH_TOKENS unset), so this server only answers requests addressed to localhost, not "${host}". Set AUTH_TOKENS to serve other hosts.`);
      }
      return next();
    }
    // The page's files carry no data; the page asks for the token and sends it with every call.
    if (c.req.method === "GET" && (c.req.path === "/ui" || c.req.path.startsWith("/ui/"))) return next();
    const token = requestToken(c.req.raw.headers);
    if (!token) return refuse(c, 401, 'Authentication required: send "Authorization: Bearer <token>" or "x-api-key: <token>" (tokens are set in AUTH_TOKENS).');
    const user = tokens.userFor(token);
    if (!user) return refuse(c, 401, "Unknown token: check the token against AUTH_TOKENS.");
    c.set("auth", { user: { identity: user, is_authenticated: true }, scopes: [] });
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

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function refuse(c: Context<ServerEnv>, status: 401 | 403, message: string) {
  const headers: Record<string, string> = status === 401 ? { "www-authenticate": 'Bearer realm="memory-chat"' } : {};
  return c.json({ error: status === 401 ? "unauthorized" : "forbidden", message }, status, headers);
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
