#!/usr/bin/env node
// `npx memories ...`: the memories CLI (src/cli/memories.ts) run from its TypeScript source, as
// there is no build step. tsx's loader is registered in this process, so stdout carries only the
// command's output (no npm banner) and the exit code is the command's own.
import { register } from "tsx/esm/api";

// Node 20 and older fail later with errors that do not say why; say it here, with the fix.
if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(
    `memory chat needs Node.js 22 or newer; this is ${process.version}. ` +
      'Run `export PATH="$(bash scripts/node-runtime.sh):$PATH"` in the clone (it brings Node 24), then run this again.',
  );
  process.exit(1);
}
register();
await import("../src/cli/memories.ts");
