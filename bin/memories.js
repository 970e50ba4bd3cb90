#!/usr/bin/env node
// `npx memories ...`: the memories CLI (src/cli/memories.ts) run from its TypeScript source, as
// there is no build step. tsx's loader is registered in this process, so stdout carries only the
// command's output (no npm banner) and the exit code is the command's own.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/memories.ts");
