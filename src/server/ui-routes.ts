import { readFileSync } from "node:fs";
import { Hono } from "hono";
import type { ServerEnv } from "./env.js";

/**
 * The memory inspector: one HTML page, its script and its style sheet, served as files. They hold
 * no data; the script reads and changes memory only through the documented routes (docs/http-api.md),
 * with the caller's token, so it sees exactly what those routes let the caller see.
 *
 * The dev server lets every GET under /ui through without authentication (its own UI assets live
 * there), so nothing under /ui may ever answer with a user's data.
 */
const SCRIPT = "text/javascript; charset=utf-8";
const ASSETS: Record<string, { file: string; type: string }> = {
  "/ui": { file: "index.html", type: "text/html; charset=utf-8" },
  "/ui/inspector.css": { file: "inspector.css", type: "text/css; charset=utf-8" },
  // The script's modules: the entry (who the user is, which view), shared pieces, one per view.
  ...Object.fromEntries(
    ["inspector", "lib", "memories", "search", "map", "profile", "queue"].map((name) => [
      `/ui/${name}.js`,
      { file: `${name}.js`, type: SCRIPT },
    ]),
  ),
};

/** The page's paths, for the OpenAPI document and the tests that walk every route. */
export const INSPECTOR_PATHS = Object.keys(ASSETS);

/** The page may load its own script and style and call its own server; nothing else, no inline script. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

export function inspectorRoutes(): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  for (const [path, asset] of Object.entries(ASSETS)) {
    // Read once: the files are part of the install, like the sources.
    const body = readFileSync(new URL(`../ui/static/${asset.file}`, import.meta.url), "utf8");
    app.get(path, (c) => c.body(body, 200, { "content-type": asset.type, ...SECURITY_HEADERS }));
  }
  return app;
}
