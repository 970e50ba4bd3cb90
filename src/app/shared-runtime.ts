import { createRuntime, type Runtime } from "./runtime.js";

let shared: Runtime | undefined;

/**
 * The process's one runtime. `langgraph dev` imports the graph entry and the HTTP app as separate
 * modules; both take this runtime, so the graph and the memory routes share one engine, one store
 * connection and one loaded embedding model.
 */
export function sharedRuntime(): Runtime {
  shared ??= createRuntime();
  return shared;
}
