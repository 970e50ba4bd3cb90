import { readFileSync } from "node:fs";
import { addRoute, apiRoutes, type ApiRoutes } from "./openapi/api-route.js";

/**
 * The memory inspector: one HTML page, its script and its style sheet, served as files. They hold
 * no data; the script reads and changes memory only through the documented routes (docs/http-api.md),
 * with the caller's token, so it sees exactly what those routes let the caller see.
 *
 * The dev server lets every GET under /ui through without authentication (its own UI assets live
 * there), so nothing under /ui may ever answer with a user's data.
 */
interface Asset {
  file: string;
  type: string;
  operationId: string;
  summary: string;
}
const ASSETS: Record<string, Asset> = {
  "/ui": {
    file: "index.html",
    type: "text/html",
    operationId: "inspectorPage",
    summary: "The memory inspector page (open it in a browser)",
  },
  "/ui/inspector.css": {
    file: "inspector.css",
    type: "text/css",
    operationId: "inspectorStyle",
    summary: "The inspector page's style sheet",
  },
  // The script's modules: the entry (who the user is, which view), shared pieces, one per view.
  ...Object.fromEntries(
    ["inspector", "lib", "memories", "search", "map", "profile", "queue"].map((name) => [
      `/ui/${name}.js`,
      {
        file: `${name}.js`,
        type: "text/javascript",
        operationId: `inspectorScript${name[0].toUpperCase()}${name.slice(1)}`,
        summary: "One module of the inspector page's script",
      },
    ]),
  ),
};

/** The page's paths, for the tests that walk every route. */
export const INSPECTOR_PATHS = Object.keys(ASSETS);

/** The page may load its own script and style and call its own server; nothing else, no inline script. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

export function inspectorRoutes(): ApiRoutes {
  const app = apiRoutes();
  for (const [path, { file, type, operationId, summary }] of Object.entries(ASSETS)) {
    // Read once: the files are part of the install, like the sources.
    const body = readFileSync(new URL(`../ui/static/${file}`, import.meta.url), "utf8");
    // The page and its files hold no data: it calls the documented routes with the caller's token.
    addRoute(app, { method: "get", path, operationId, tag: "inspector", summary, ok: { 200: null }, file: type }, (c) =>
      c.body(body, 200, { "content-type": `${type}; charset=utf-8`, ...SECURITY_HEADERS }),
    );
  }
  return app;
}
