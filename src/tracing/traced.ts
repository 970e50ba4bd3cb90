import { RunTree } from "langsmith/run_trees";
import { getCurrentRunTree, traceable } from "langsmith/traceable";

/**
 * LangSmith runs for the engine's own steps (search and its rank fusion, extraction,
 * reconciliation, queue jobs), which LangChain's callbacks do not see: with them a trace shows
 * what each side of a search found, the ranks and the fusion weights, beside the model calls.
 *
 * Off unless tracing is on the way LangChain turns it on (LANGSMITH_TRACING=true, or one of its
 * older names), read at call time as LangChain does, so a step traces exactly when the model
 * calls around it do. Off, a step is a plain call: no run object, no context switch.
 */
const TRACING_VARIABLES = ["LANGSMITH_TRACING", "LANGSMITH_TRACING_V2", "LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING"];

export function tracingEnabled(): boolean {
  return TRACING_VARIABLES.some((name) => process.env[name] === "true");
}

export type TraceFields = Record<string, unknown>;

/**
 * Runs an async step as a LangSmith run named `name`, nested under the current run (a graph
 * node, a traced caller); model calls inside it nest under it. `outputs` turns the result into
 * what the run shows (ids, ranks, weights: not whole records or vectors).
 */
export function traced<T>(
  name: string,
  inputs: TraceFields,
  step: () => Promise<T>,
  outputs: (result: T) => TraceFields,
): Promise<T> {
  if (!tracingEnabled()) return step();
  let result: T;
  const run = traceable(
    async (_inputs: TraceFields) => {
      result = await step();
      return result;
    },
    { name, run_type: "chain", processOutputs: () => outputs(result) },
  );
  return run(inputs);
}

/**
 * A synchronous step (rank fusion runs inside a store's query) as a child of the current run;
 * it stays synchronous. Traced only inside a traced parent: the fusion alone, with no search
 * around it, would be a trace that explains nothing.
 */
export function tracedSync<T>(
  name: string,
  inputs: TraceFields,
  step: () => T,
  outputs: (result: T) => TraceFields,
): T {
  if (!tracingEnabled()) return step();
  const parent = getCurrentRunTree(true);
  if (!(parent instanceof RunTree)) return step();
  const run = parent.createChild({ name, run_type: "chain", inputs });
  try {
    const result = step();
    void run.end(outputs(result));
    return result;
  } catch (error) {
    void run.end(undefined, String(error));
    throw error;
  } finally {
    // Posted once, complete: nothing to patch later.
    void run.postRun().catch(() => undefined);
  }
}
