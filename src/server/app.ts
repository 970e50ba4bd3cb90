/**
 * The HTTP app of `npm run dev` (langgraph.json `http.app`): memory admin routes and the /store/*
 * view of long-term memory, on the same runtime (engine, store connection) as the served graph.
 */
import { sharedRuntime } from "../app/shared-runtime.js";
import { createApp } from "./create-app.js";

const runtime = sharedRuntime();

export const app = createApp({
  memory: runtime.memory,
  worker: runtime.memoryWorker,
  logger: runtime.logger.child({ component: "http" }),
  maxTextChars: runtime.settings.MAX_MESSAGE_CHARS,
});
