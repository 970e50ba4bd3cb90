/**
 * A stand-in for the LangSmith API on 127.0.0.1, for LANGSMITH_ENDPOINT: it answers the
 * client's `/info` and takes runs as the client sends them (multipart `/runs/multipart`, or JSON
 * `/runs/batch`), merging each run's create and update parts into one record the test can read.
 */
import { createServer, type IncomingMessage } from "node:http";

export interface TracedRun {
  id: string;
  name?: string;
  run_type?: string;
  parent_run_id?: string | null;
  trace_id?: string;
  inputs?: Record<string, any>;
  outputs?: Record<string, any>;
  error?: string | null;
  end_time?: unknown;
}

export interface LangSmithStandIn {
  url: string;
  runs: Map<string, TracedRun>;
  /** Every request path, in order. */
  requests: string[];
  /** Resolves with the first run named `name` that has ended, once it has arrived. */
  ended(name: string, timeoutMs?: number): Promise<TracedRun>;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

export async function startLangSmithStandIn(): Promise<LangSmithStandIn> {
  const runs = new Map<string, TracedRun>();
  const requests: string[] = [];
  const merge = (id: string, fields: Record<string, unknown>) =>
    runs.set(id, { ...runs.get(id), ...fields, id } as TracedRun);
  const server = createServer(async (req, res) => {
    const raw = await body(req);
    const path = (req.url ?? "").split("?")[0];
    requests.push(path);
    res.setHeader("content-type", "application/json");
    if (path.endsWith("/info")) {
      res.end(JSON.stringify({ version: "stand-in", batch_ingest_config: { use_multipart_endpoint: true } }));
      return;
    }
    if (path.endsWith("/runs/multipart")) {
      const form = await new Request("http://stand-in/", {
        method: "POST",
        headers: req.headers as Record<string, string>,
        body: raw,
      }).formData();
      for (const [name, value] of form.entries()) {
        // Parts are "post.<id>" or "patch.<id>" (the run) and "<op>.<id>.<field>" (inputs, outputs, ...).
        const [, id, field] = name.split(".");
        const parsed = JSON.parse(typeof value === "string" ? value : await value.text());
        merge(id, field ? { [field]: parsed } : parsed);
      }
      res.statusCode = 202;
      res.end("{}");
      return;
    }
    if (path.endsWith("/runs/batch")) {
      const { post = [], patch = [] } = JSON.parse(raw.toString() || "{}");
      for (const run of [...post, ...patch]) merge(run.id, run);
      res.end("{}");
      return;
    }
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    runs,
    requests,
    ended: async (name, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const run = [...runs.values()].find(
          (r) => r.name === name && r.end_time !== undefined && r.outputs !== undefined,
        );
        if (run) return run;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `no ended run named "${name}" within ${timeoutMs} ms; runs so far: ${[...runs.values()].map((r) => r.name).join(", ") || "none"}`,
      );
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
