import { jobView } from "../memory/queue/views.js";
import type { AppDeps } from "./deps.js";
import { HttpError } from "./errors.js";
import { requestUserId } from "./identity.js";
import { addRoute, apiRoutes, type ApiRoutes } from "./openapi/api-route.js";
import * as reply from "./openapi/responses.js";
import { QueueQuery, UserBody, UserQuery } from "./schemas.js";

/**
 * One user's memory update jobs: list them (queued, running, done, dead), retry dead ones, drop
 * one. Tenant rules as for the memory routes: a user sees and changes only their own jobs; another
 * user's job id answers 404.
 */
export function queueRoutes(deps: AppDeps): ApiRoutes {
  const app = apiRoutes();
  const notFound = (id: string) => new HttpError(404, "not_found", `No memory update job ${id} for this user`);
  const worker = () => {
    if (!deps.worker) throw new HttpError(503, "queue_unavailable", "This server has no memory update queue");
    return deps.worker;
  };
  const tag = "queue";

  addRoute(
    app,
    {
      method: "get",
      path: "/queue/jobs",
      operationId: "listJobs",
      tag,
      summary: "A user's memory update jobs, oldest first",
      query: QueueQuery,
      ok: { 200: reply.JobList },
    },
    async (c, { query: q }) => {
      const userId = requestUserId(c, q.userId);
      const jobs = await worker().queue.list({ userId, state: q.state, limit: q.limit });
      return c.json({ userId, jobs: jobs.map(jobView) });
    },
  );

  addRoute(
    app,
    {
      method: "get",
      path: "/queue/jobs/{id}",
      operationId: "getJob",
      tag,
      summary: "One memory update job",
      query: UserQuery,
      ok: { 200: reply.Job },
      errors: [404],
    },
    async (c, { query }) => {
      const userId = requestUserId(c, query.userId);
      const job = await worker().queue.get(c.req.param("id"));
      if (!job || job.userId !== userId) throw notFound(c.req.param("id"));
      return c.json(jobView(job));
    },
  );

  addRoute(
    app,
    {
      method: "post",
      path: "/queue/jobs/retry",
      operationId: "retryJobs",
      tag,
      summary: "Queue every dead or waiting job of the user again, due now",
      body: UserBody,
      ok: { 200: reply.RetryReply },
    },
    async (c, { body }) => {
      const userId = requestUserId(c, body.userId);
      const retried = await worker().retry({ userId });
      return c.json({ userId, retried });
    },
  );

  addRoute(
    app,
    {
      method: "post",
      path: "/queue/jobs/{id}/retry",
      operationId: "retryJob",
      tag,
      summary: "Queue a dead or waiting job again, due now",
      body: UserBody,
      ok: { 200: reply.RetryReply },
      errors: [404, 409],
    },
    async (c, { body }) => {
      const userId = requestUserId(c, body.userId);
      const id = c.req.param("id");
      const job = await worker().queue.get(id);
      if (!job || job.userId !== userId) throw notFound(id);
      if (job.state === "running" || job.state === "done")
        throw new HttpError(409, "not_retryable", `Job ${id} is ${job.state}; only dead or queued jobs can be retried`);
      const retried = await worker().retry({ id, userId });
      return c.json({ userId, retried });
    },
  );

  addRoute(
    app,
    {
      method: "delete",
      path: "/queue/jobs/{id}",
      operationId: "dropJob",
      tag,
      summary: "Drop a job that is not running",
      query: UserQuery,
      ok: { 200: reply.DropReply },
      errors: [404, 409],
    },
    async (c, { query }) => {
      const userId = requestUserId(c, query.userId);
      const id = c.req.param("id");
      const job = await worker().queue.get(id);
      if (!job || job.userId !== userId) throw notFound(id);
      if (job.state === "running")
        throw new HttpError(409, "running", `Job ${id} is running; drop it once it has finished or died`);
      await worker().drop(id, userId);
      return c.json({ id, dropped: true });
    },
  );

  return app;
}
