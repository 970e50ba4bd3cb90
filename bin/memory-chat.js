#!/usr/bin/env node
// `npx memory-chat ...`: the terminal chat (src/cli/chat.ts) run from its TypeScript source, as
// there is no build step; tsx's loader is registered in this process.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/chat.ts");
