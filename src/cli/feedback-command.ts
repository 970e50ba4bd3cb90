import { MemoryNotFoundError } from "../memory/engine.js";
import { FEEDBACK_KINDS, parseFeedbackKind } from "../memory/feedback.js";
import { memoryView } from "../server/memory-view.js";
import { UsageError } from "./args.js";
import { memoryLine } from "./format.js";
import { command, NotFoundError, type MemoriesCommand } from "./memories-commands.js";

/** `feedback <id> up|down|wrong`: the user's word on one memory (README, "Feedback, use and decay"). */
export const FEEDBACK_COMMANDS: Record<string, MemoriesCommand> = {
  feedback: command("feedback", {
    usage: `<id> ${FEEDBACK_KINDS.join("|")}`,
    summary: "Feedback on a memory: wrong (no longer current, kept as history), down or up (its ranking weight).",
    async run({ engine, userId, args }) {
      const [id, kind] = args;
      if (!id || !kind)
        throw new UsageError(
          `feedback needs a memory id and one of ${FEEDBACK_KINDS.join(", ")}: memories feedback <id> up --user ID`,
        );
      const feedback = parseFeedbackKind(kind);
      try {
        const memory = await (await engine()).feedback(id, feedback, { userId });
        return { data: memoryView(memory), text: `${feedback}: ${memoryLine(memory)}` };
      } catch (error) {
        if (error instanceof MemoryNotFoundError) throw new NotFoundError(`No memory with id ${id} for user ${userId}`);
        throw error;
      }
    },
  }),
};
