/**
 * The auth handler named in langgraph.json ("auth": {"path": "./src/auth/index.ts:auth"}). Its
 * mode comes from the AUTH_TOKENS setting, read once when the server loads it.
 */
import { loadSettings } from "../config/settings.js";
import { createLogger } from "../logger.js";
import { createAuth } from "./langgraph-auth.js";
import { parseTokens } from "./tokens.js";

const settings = loadSettings();
const tokens = settings.AUTH_TOKENS ? parseTokens(settings.AUTH_TOKENS) : undefined;

const logger = createLogger(settings.LOG_LEVEL).child({ component: "auth" });
if (tokens)
  logger.info("token mode: each request needs a bearer token from AUTH_TOKENS", { users: tokens.users.length });
else
  logger.warn(
    "open mode (AUTH_TOKENS unset): the caller names the user and only requests to localhost are answered; do not expose this server",
  );

export const auth = createAuth(tokens);
