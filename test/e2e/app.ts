/**
 * The dev-server HTTP app for end-to-end tests: the real routes of src/server, on the fake graph's
 * memory engine (the same SQLite file and connection the graph writes through).
 */
import { createLogger } from "../../src/logger.js";
import { createApp } from "../../src/server/create-app.js";
import { engine, worker } from "./fake-graph.js";

export const app = createApp({ memory: async () => engine, worker, logger: createLogger("warn"), maxTextChars: 8000 });
