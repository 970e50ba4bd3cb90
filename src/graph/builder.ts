import { END, START, StateGraph } from "@langchain/langgraph";
import { contextSchema } from "./context.js";
import type { GraphDeps } from "./deps.js";
import { makeAnswer } from "./nodes/answer.js";
import { makeLoadHistory } from "./nodes/load-history.js";
import { makeRetrieveMemories } from "./nodes/retrieve-memories.js";
import { makeRewriteQuestion } from "./nodes/rewrite-question.js";
import { makeUpdateMemory } from "./nodes/update-memory.js";
import { ChatState } from "./state.js";

/**
 * The memory chat graph, read top to bottom as Studio draws it:
 * loadHistory → rewriteQuestion → retrieveMemories → answer → updateMemory.
 * Compile it with a checkpointer (SQLite, Postgres, MemorySaver) or with none under the dev server.
 */
export function buildGraph(deps: GraphDeps) {
  return new StateGraph(ChatState, contextSchema(deps.defaults))
    .addNode("loadHistory", makeLoadHistory(deps))
    .addNode("rewriteQuestion", makeRewriteQuestion(deps))
    .addNode("retrieveMemories", makeRetrieveMemories(deps))
    .addNode("answer", makeAnswer(deps))
    .addNode("updateMemory", makeUpdateMemory(deps))
    .addEdge(START, "loadHistory")
    .addEdge("loadHistory", "rewriteQuestion")
    .addEdge("rewriteQuestion", "retrieveMemories")
    .addEdge("retrieveMemories", "answer")
    .addEdge("answer", "updateMemory")
    .addEdge("updateMemory", END);
}
