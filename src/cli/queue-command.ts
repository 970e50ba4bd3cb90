import { JOB_STATES, type JobQueue, type JobState } from "../memory/queue/types.js";
import { jobView } from "../memory/queue/views.js";
import { stringValue, UsageError, type CommandSpec, type ParsedCommandLine } from "./args.js";
import { jobLine } from "./format.js";
import { NotFoundError, type CommandOutput } from "./memories-commands.js";

export const QUEUE_SPEC: CommandSpec = {
  name: "memories queue",
  usage: "[list | retry <id> | retry --all | drop <id>]",
  summary: "Memory update jobs: list, send dead ones back, drop one.",
  options: {
    user: { type: "string", value: "ID", help: "only this user's jobs (default: every user's)" },
    state: { type: "string", value: "S", help: `list only jobs in state S: ${JOB_STATES.join(", ")}` },
    all: { type: "boolean", help: "with retry: every dead job" },
    json: { type: "boolean", help: "print JSON for scripts" },
  },
};

export interface QueueCommandInput {
  queue: JobQueue;
  /** Only this user's jobs; none = every user's (an operator's view). */
  userId?: string;
  args: string[];
  values: ParsedCommandLine["values"];
}

/**
 * `memories queue [list|retry <id>|retry --all|drop <id>] [--user U] [--state dead|queued]`:
 * the memory update queue of this DATA_DIR. A retried job is stored by the next worker that
 * looks (a running chat or dev server within a second, or the next one started).
 */
export async function queueCommand({ queue, userId, args, values }: QueueCommandInput): Promise<CommandOutput> {
  const [action = "list", id] = args;
  const scope = userId === undefined ? "" : ` of ${userId}`;
  switch (action) {
    case "list": {
      const state = stateOption(values);
      const jobs = await queue.list({ userId, state });
      const text = jobs.length
        ? jobs.map(jobLine).join("\n") + `\n${jobs.length} job${jobs.length === 1 ? "" : "s"}`
        : `no memory update jobs${scope}${state ? ` in state ${state}` : ""}`;
      return { data: { userId: userId ?? null, jobs: jobs.map(jobView) }, text };
    }
    case "retry": {
      if (values.all === true) {
        if (id) throw new UsageError("retry takes a job id or --all, not both");
        const retried = await queue.retry({ userId });
        return {
          data: { retried },
          text: retried.length
            ? `queued again: ${retried.length} job${retried.length === 1 ? "" : "s"}${scope}`
            : `nothing to retry${scope}`,
        };
      }
      if (!id) throw new UsageError("retry needs a job id, or --all: memories queue retry <id> [--user U]");
      const job = await queue.get(id);
      if (!job || (userId !== undefined && job.userId !== userId))
        throw new NotFoundError(`No memory update job ${id}${scope}`);
      if (job.state === "running" || job.state === "done")
        throw new UsageError(`job ${id} is ${job.state}; only dead or queued jobs can be retried`);
      const retried = await queue.retry({ id, userId });
      return { data: { retried }, text: `queued again: ${id}` };
    }
    case "drop": {
      if (!id) throw new UsageError("drop needs a job id: memories queue drop <id> [--user U]");
      const job = await queue.get(id);
      if (!job || (userId !== undefined && job.userId !== userId))
        throw new NotFoundError(`No memory update job ${id}${scope}`);
      if (job.state === "running") throw new UsageError(`job ${id} is running; drop it once it has finished or died`);
      await queue.drop(id, userId);
      return { data: { id, dropped: true }, text: `dropped ${id}` };
    }
    default:
      throw new UsageError(`unknown queue action "${action}": use list, retry <id>, retry --all or drop <id>`);
  }
}

function stateOption(values: ParsedCommandLine["values"]): JobState | undefined {
  const state = stringValue(values, "state");
  if (state === undefined) return undefined;
  if (!(JOB_STATES as readonly string[]).includes(state))
    throw new UsageError(`--state must be one of ${JOB_STATES.join(", ")}, got "${state}"`);
  return state as JobState;
}
