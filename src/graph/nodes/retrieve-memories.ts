import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphDeps } from "../deps.js";
import { readProfile } from "../profile-block.js";
import { resolveRunSettings } from "../run-settings.js";
import type { ChatStateType, ChatStateUpdate, RetrievedMemory } from "../state.js";

/**
 * Searches this user's long-term memories with the rewritten question, and reads their profile.
 * If the store cannot be reached the turn goes on without them, marked "unavailable" so the
 * answer can say so.
 */
export function makeRetrieveMemories(deps: GraphDeps) {
  return async function retrieveMemories(
    state: ChatStateType,
    config: LangGraphRunnableConfig,
  ): Promise<ChatStateUpdate> {
    const run = resolveRunSettings(config, deps.defaults);
    try {
      const engine = await deps.memory();
      // The profile is read beside the search (it never changes what the search finds).
      const [hits, profile] = await Promise.all([
        engine.search(state.rewrittenQuestion || state.question, {
          userId: run.userId,
          limit: run.memoryTopK,
          now: (deps.now?.() ?? new Date()).toISOString(),
        }),
        readProfile(engine, run.userId, deps),
      ]);
      const memories: RetrievedMemory[] = hits.map((h) => ({
        id: h.memory.id,
        text: h.memory.text,
        category: h.memory.category,
        score: Number(h.score.toFixed(5)),
        createdAt: h.memory.createdAt,
        eventTime: h.memory.eventTime,
        denseRank: h.denseRank,
        lexicalRank: h.lexicalRank,
      }));
      return { memories, retrievalStatus: "ok", retrievalFusion: hits[0]?.fusion ?? null, profile };
    } catch (error) {
      deps.logger.error("retrieveMemories: long-term memory unavailable", { error: (error as Error).message });
      return { memories: [], retrievalStatus: "unavailable", retrievalFusion: null, profile: null };
    }
  };
}
