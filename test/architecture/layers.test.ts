/**
 * The layering of src/, checked on every run: a folder imports only from folders below it, so
 * arrows run one way and no two folders depend on each other. README "Layout" draws the same
 * order. Reads every import (static, `import type`, and `import()`) of every file under src/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

/** Bottom to top. A folder (or a file directly in src/, by its name) may import only from those before it. */
export const LAYERS = [
  "util", // generic helpers: SQLite connections, free ports, zod messages
  "config", // settings from the environment
  "logger",
  "tracing", // LangSmith runs of the engine's steps
  "search", // tokenizer, BM25, fusion, vector search
  "models", // chat models, embeddings, message text and structured output
  "memory", // the engine, its interfaces and its rules (slots, entities, profile, queue)
  "stores", // the backends implementing the engine's interfaces (SQLite, Qdrant, in-memory)
  "graph", // the LangGraph nodes
  "app", // composition and the application's use cases (runtime, export/import, memory views)
  "auth", // the dev server's auth handler
  "server", // the HTTP routes, the inspector's page among them (its files are in ui/static/)
  "ui", // the inspector's own server for `npx memories ui`, and the page's files
  "cli", // the terminal chat and the memories command
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The layer of a file: its first folder under src/, or its own name for a file directly in src/. */
function layerOf(path: string): string {
  const [first, ...rest] = relative(SRC, path).split("/");
  return rest.length ? first : first.replace(/\.ts$/, "");
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)"(\.{1,2}\/[^"]+)"/g;

function imports(): { from: string; to: string; file: string }[] {
  return files(SRC).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => ({
      from: layerOf(file),
      to: layerOf(normalize(join(dirname(file), m[1]))),
      file: relative(SRC, file),
    })),
  );
}

describe("src/ layering", () => {
  const all = imports();

  it("every folder of src/ has its place in the layers", () => {
    const present = new Set(files(SRC).map(layerOf));
    expect([...present].filter((l) => !LAYERS.includes(l))).toEqual([]);
  });

  it("imports run downwards only (no folder imports one above it, so no two folders import each other)", () => {
    const upward = all
      .filter((i) => i.from !== i.to && LAYERS.indexOf(i.to) > LAYERS.indexOf(i.from))
      .map((i) => `${i.file} imports ${i.to} (a layer above ${i.from})`);
    expect(upward).toEqual([]);
  });

  it("finds the imports it checks (a broken pattern would pass everything)", () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.some((i) => i.from === "graph" && i.to === "memory")).toBe(true);
  });
});
