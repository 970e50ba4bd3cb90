// The inspector's shared pieces: the session, calls to the documented routes, DOM helpers, how a
// memory's standing and validity read. Server text is only ever set as text, never parsed as HTML.

export const $ = (id) => document.getElementById(id);
export const TOKEN_KEY = "memory-inspector-token";
export const USER_KEY = "memory-inspector-user";
export const PAGE = 100;
export const CATEGORIES = ["profile", "preference", "plan", "event", "relationship", "skill", "other"];

export const session = {
  /** "open" (the page names the user) or "token" (the token's user is the user). */
  mode: "open",
  token: sessionStorage.getItem(TOKEN_KEY) || "",
  user: "",
};

/** An element with attributes and children; strings become text nodes, so server text is never HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat())
    if (child !== null && child !== undefined && child !== false)
      el.append(child instanceof Node ? child : String(child));
  return el;
}

/** Replaces an element's content; null, undefined and false children are left out. */
export function show(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error;
  }
}

/** A call to a documented route: the user named as the route wants it in open mode, the token in token mode. */
export async function api(method, path, { query = {}, body, raw = false } = {}) {
  const params = new URLSearchParams();
  const named = session.mode === "open" && session.user;
  if (named && (method === "GET" || method === "DELETE") && !path.startsWith("/users/"))
    params.set("userId", session.user);
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== "" && value !== null) params.set(key, String(value));
  const headers = {};
  if (session.mode === "token" && session.token) headers.authorization = `Bearer ${session.token}`;
  let payload;
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(named && !path.startsWith("/store/") ? { userId: session.user, ...body } : body);
  }
  const qs = params.toString();
  const res = await fetch(qs ? `${path}?${qs}` : path, { method, headers, body: payload });
  if (raw && res.ok) return res.text();
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

export function say(message, kind = "info") {
  const status = $("status");
  status.textContent = message;
  status.className = message ? kind : "";
}

export const when = (iso) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "";
export const shortId = (id) => String(id).slice(0, 8);

/** The as-of control's time as ISO, or "" for now. */
export function asOf() {
  const value = $("as-of").value;
  return value ? new Date(value).toISOString() : "";
}

/** A memory's standing now: current, superseded (a newer fact replaced it), wrong (the user said so), expired. */
export function standing(m) {
  if (m.supersededBy) return "superseded";
  if (m.validTo) return "wrong";
  if (m.expiresAt && Date.parse(m.expiresAt) <= Date.now()) return "expired";
  return "current";
}

export function validity(m) {
  const to = m.validTo || (m.expiresAt && Date.parse(m.expiresAt) <= Date.now() ? m.expiresAt : null);
  return `${when(m.validFrom)} → ${to ? when(to) : "now"}`;
}

export const fixed = (n, digits = 3) => (typeof n === "number" ? n.toFixed(digits) : "–");

const SVG = "http://www.w3.org/2000/svg";
export function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** What the views call back into the page: draw the current view again, report an error. Set by inspector.js. */
export const page = {
  refresh: () => {},
  fail: (error) => console.error(error),
};
