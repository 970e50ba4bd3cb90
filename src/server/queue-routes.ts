import { Hono } from "hono";
import { jobView } from "../memory/queue/views.js";
import { limitBody, readJson, readQuery } from "./body.js";
import type { AppDeps } from "./deps.js";
import type { ServerEnv } from "./env.js";
import { HttpError } from "./errors.js";
import { requestUserId } from "./identity.js";
import { QueueQuery, UserBody, UserQuery } from "./schemas.js";

/**
 * One user's memory update jobs: list them (queued, running, done, dead), retry dead ones, drop
 * one. Tenant rules as for the memory routes: a user sees and changes only their own jobs; another
 * user's job id answers 404.
 */
export function queueRoutes(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const notFound = (id: string) => new HttpError(404, "not_found", `No memory update job ${id} for this user`);
  const worker = () => {
    if (!deps.worker) throw new HttpError(503, "queue_unavailable", "This server has no memory update queue");
    return deps.worker;
  };

  app.get("/queue/jobs", async (c) => {
    const q = readQuery(c, QueueQuery);
    const userId = requestUserId(c, q.userId);
    const jobs = await worker().queue.list({ userId, state: q.state, limit: q.limit });
    return c.json({ userId, jobs: jobs.map(jobView) });
  });

  app.get("/queue/jobs/:id", async (c) => {
    const userId = requestUserId(c, readQuery(c, UserQuery).userId);
    const job = await worker().queue.get(c.req.param("id"));
    if (!job || job.userId !== userId) throw notFound(c.req.param("id"));
    return c.json(jobView(job));
  });

  // All of the user's dead (and waiting) jobs, due now.
  app.post("/queue/jobs/retry", limitBody(), async (c) => {
    const body = await readJson(c, UserBody);
    const userId = requestUserId(c, body.userId);
    const retried = await worker().retry({ userId });
    return c.json({ userId, retried });
  });

  app.post("/queue/jobs/:id/retry", limitBody(), async (c) => {
    const body = await readJson(c, UserBody);
    const userId = requestUserId(c, body.userId);
    const id = c.req.param("id");
    const job = await worker().queue.get(id);
    if (!job || job.userId !== userId) throw notFound(id);
    if (job.state === "running" || job.state === "done")
      throw new HttpError(409, "not_retryable", `Job ${id} is ${job.state}; only dead or queued jobs can be retried`);
    const retried = await worker().retry({ id, userId });
    return c.json({ userId, retried });
  });

  app.delete("/queue/jobs/:id", async (c) => {
    const userId = requestUserId(c, readQuery(c, UserQuery).userId);
    const id = c.req.param("id");
    const job = await worker().queue.get(id);
    if (!job || job.userId !== userId) throw notFound(id);
    if (job.state === "running")
      throw new HttpError(409, "running", `Job ${id} is running; drop it once it has finished or died`);
    await worker().drop(id, userId);
    return c.json({ id, dropped: true });
  });

  return app;
}
