// The memory inspector's script: hand-written, no build step, no library. Every read and change goes
// through the documented HTTP routes (docs/http-api.md) with the caller's token, so the page sees
// what those routes let the caller see and nothing more. Text from the server is only ever set as
// text (never parsed as HTML); the one exception, the memory map, is the server's own SVG.

const $ = (id) => document.getElementById(id);
const shown = $("main");
/** Where the view being built draws; it replaces what is shown once it is complete and still wanted. */
let main = shown;
let routing = 0;
const TOKEN_KEY = "memory-inspector-token";
const USER_KEY = "memory-inspector-user";
const PAGE = 100;
const CATEGORIES = ["profile", "preference", "plan", "event", "relationship", "skill", "other"];

const session = {
  /** "open" (the page names the user) or "token" (the token's user is the user). */
  mode: "open",
  token: sessionStorage.getItem(TOKEN_KEY) || "",
  user: "",
};

/** An element with attributes and children; strings become text nodes, so server text is never HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

/** Replaces an element's content; null, undefined and false children are left out. */
function show(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error;
  }
}

/** A call to a documented route: the user named as the route wants it in open mode, the token in token mode. */
async function api(method, path, { query = {}, body, raw = false } = {}) {
  const params = new URLSearchParams();
  const named = session.mode === "open" && session.user;
  if (named && (method === "GET" || method === "DELETE") && !path.startsWith("/users/")) params.set("userId", session.user);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "" && value !== null) params.set(key, String(value));
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

function say(message, kind = "info") {
  const status = $("status");
  status.textContent = message;
  status.className = message ? kind : "";
}

const when = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "");
const shortId = (id) => String(id).slice(0, 8);

/** The as-of control's time as ISO, or "" for now. */
function asOf() {
  const value = $("as-of").value;
  return value ? new Date(value).toISOString() : "";
}

/** A memory's standing now: current, superseded (a newer fact replaced it), wrong (the user said so), expired. */
function standing(m) {
  if (m.supersededBy) return "superseded";
  if (m.validTo) return "wrong";
  if (m.expiresAt && Date.parse(m.expiresAt) <= Date.now()) return "expired";
  return "current";
}

function validity(m) {
  const to = m.validTo || (m.expiresAt && Date.parse(m.expiresAt) <= Date.now() ? m.expiresAt : null);
  return `${when(m.validFrom)} → ${to ? when(to) : "now"}`;
}

// ---------- views ----------

const filters = { state: "current", category: "", text: "" };

async function memoriesView() {
  const at = asOf();
  const stateSelect = h("select", { id: "filter-state", disabled: Boolean(at), title: at ? "As of a time shows what held then" : undefined },
    ...["current", "superseded", "all"].map((s) => h("option", { value: s, selected: filters.state === s }, s)));
  const categorySelect = h("select", { id: "filter-category" }, h("option", { value: "" }, "any category"),
    ...CATEGORIES.map((c) => h("option", { value: c, selected: filters.category === c }, c)));
  const textInput = h("input", { id: "filter-text", type: "search", placeholder: "text contains…", value: filters.text });
  const apply = () => {
    filters.state = stateSelect.value;
    filters.category = categorySelect.value;
    filters.text = textInput.value.trim();
    route();
  };
  stateSelect.addEventListener("change", apply);
  categorySelect.addEventListener("change", apply);
  textInput.addEventListener("keydown", (e) => e.key === "Enter" && apply());
  const summary = h("p", { id: "list-summary" });
  const body = h("tbody");
  const more = h("button", { type: "button", id: "more", hidden: true }, "Show more");
  show(main,
    h("section", { class: "toolbar" }, h("label", {}, "State ", stateSelect), h("label", {}, "Category ", categorySelect), h("label", {}, "Text ", textInput),
      h("button", { type: "button", onclick: apply }, "Filter")),
    summary,
    h("table", { id: "memories" }, h("thead", {}, h("tr", {}, h("th", {}, "Memory"), h("th", {}, "Category"), h("th", {}, "Valid"), h("th", {}, "State"), h("th", { class: "num" }, "Weight"), h("th", { class: "num" }, "Uses"))), body),
    more,
  );
  let offset = 0;
  const load = async () => {
    const query = { limit: PAGE, offset, category: filters.category, text: filters.text };
    if (at) query.asOf = at;
    else query.state = filters.state;
    const page = await api("GET", "/memories", { query });
    for (const m of page.memories) {
      // As of a past moment every listed memory held then; what became of it since is a note.
      const state = at && standing(m) !== "current" ? `held then (${standing(m)} since)` : standing(m);
      body.append(h("tr", { "data-id": m.id, class: at ? "" : standing(m) },
        h("td", { class: "text" }, h("a", { href: `#memory/${encodeURIComponent(m.id)}` }, m.text)),
        h("td", {}, m.category), h("td", { class: "when" }, validity(m)), h("td", {}, state),
        h("td", { class: "num" }, m.weight.toFixed(2)), h("td", { class: "num" }, m.useCount)));
    }
    offset += page.memories.length;
    summary.textContent = `${page.total} ${page.total === 1 ? "memory" : "memories"}${at ? ` as of ${when(at)}` : ""} for ${page.userId}` + (offset < page.total ? `, showing ${offset}` : "");
    more.hidden = offset >= page.total;
    if (page.total === 0) body.append(h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No memories here.")));
  };
  more.addEventListener("click", () => load().catch(fail));
  await load();
}

/** The user's memories that no longer hold: every older version of a fact is among them. */
async function pastMemories() {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await api("GET", "/memories", { query: { state: "superseded", limit: 1000, offset } });
    out.push(...page.memories);
    if (out.length >= page.total || page.memories.length === 0) return out;
  }
}

/**
 * The memory's versions, oldest first: what it replaced, itself, what replaced it. Only the older
 * record points at its successor (supersededBy), so the walk back reads the past memories; the
 * walk forward reads each successor, and ends at one that was deleted.
 */
async function versionsOf(memory, past) {
  const byId = new Map(past.map((m) => [m.id, m]));
  const before = new Map(past.filter((m) => m.supersededBy).map((m) => [m.supersededBy, m]));
  const seen = new Set([memory.id]);
  const chain = [memory];
  for (let m = before.get(memory.id); m && !seen.has(m.id); m = before.get(m.id)) seen.add(m.id) && chain.unshift(m);
  for (let next = memory.supersededBy; next && !seen.has(next); ) {
    const m = byId.get(next) ?? (await api("GET", `/memories/${encodeURIComponent(next)}`).catch(() => null));
    if (!m) break;
    seen.add(m.id);
    chain.push(m);
    next = m.supersededBy;
  }
  return chain;
}

async function memoryView(id) {
  const [memory, past] = await Promise.all([api("GET", `/memories/${encodeURIComponent(id)}`), pastMemories()]);
  const chain = await versionsOf(memory, past);
  const histories = await Promise.all(chain.map((m) => api("GET", `/memories/${encodeURIComponent(m.id)}/history`).then((r) => r.history)));
  const timeline = h("ol", { id: "timeline" });
  chain.forEach((version, i) => {
    const entries = histories[i].map((e) =>
      h("li", { class: `change ${e.operation.toLowerCase()}` },
        h("span", { class: "op" }, e.operation), " ", h("span", { class: "when" }, when(e.at)),
        e.oldText && e.newText && e.oldText !== e.newText ? h("div", { class: "diff" }, h("del", {}, e.oldText), " → ", h("ins", {}, e.newText)) : null,
        e.reason ? h("div", { class: "reason" }, "reason: ", e.reason) : null));
    const replaced = i > 0 ? h("div", { class: "link" }, "replaced ", h("a", { href: `#memory/${encodeURIComponent(chain[i - 1].id)}` }, chain[i - 1].text)) : null;
    const replacedBy = chain[i + 1] ? h("div", { class: "link" }, "replaced by ", h("a", { href: `#memory/${encodeURIComponent(chain[i + 1].id)}` }, chain[i + 1].text), ` on ${when(version.validTo)}`) : null;
    timeline.append(h("li", { class: `version ${standing(version)}${version.id === memory.id ? " this" : ""}`, "data-id": version.id },
      h("div", { class: "version-text" }, version.text), h("div", { class: "when" }, `${standing(version)} · valid ${validity(version)}`),
      replaced, replacedBy, h("ul", { class: "history" }, entries)));
  });
  const feedback = (kind) => async () => {
    const updated = await api("POST", `/memories/${encodeURIComponent(id)}/feedback`, { body: { feedback: kind } });
    say(`Feedback "${kind}" recorded: weight ${updated.weight.toFixed(2)}${updated.validTo ? ", no longer current" : ""}.`);
    await memoryView(id);
  };
  const edit = () => {
    const area = h("textarea", { id: "edit-text", rows: 3, cols: 60 }, memory.text);
    const save = h("button", { type: "button", id: "edit-save", onclick: async () => {
      const updated = await api("PATCH", `/memories/${encodeURIComponent(id)}`, { body: { text: area.value } }).catch(fail);
      if (updated) { say("Saved."); await memoryView(id); }
    } }, "Save");
    show(editor, area, h("br"), save, " ", h("button", { type: "button", onclick: () => show(editor) }, "Cancel"));
  };
  const forget = async () => {
    if (!(await confirmForget(memory))) return;
    await api("DELETE", `/memories/${encodeURIComponent(id)}`);
    say(`Forgot “${memory.text}”.`);
    location.hash = "#memories";
  };
  const guard = (fn) => () => fn().catch(fail);
  const editor = h("div", { id: "editor" });
  show(main,
    h("p", {}, h("a", { href: "#memories" }, "← memories")),
    h("h2", { id: "memory-text" }, memory.text),
    h("dl", { class: "facts" },
      h("dt", {}, "State"), h("dd", { id: "memory-state" }, standing(memory)),
      h("dt", {}, "Valid"), h("dd", {}, validity(memory)),
      h("dt", {}, "Category"), h("dd", {}, memory.category),
      h("dt", {}, "Feedback weight"), h("dd", { id: "memory-weight" }, memory.weight.toFixed(2)),
      h("dt", {}, "Uses"), h("dd", {}, `${memory.useCount}${memory.lastUsedAt ? `, last ${when(memory.lastUsedAt)}` : ""}`),
      h("dt", {}, "Id"), h("dd", { class: "id" }, memory.id)),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "fb-up", onclick: guard(feedback("up")) }, "▲ up"),
      h("button", { type: "button", id: "fb-down", onclick: guard(feedback("down")) }, "▼ down"),
      h("button", { type: "button", id: "fb-wrong", onclick: guard(feedback("wrong")) }, "✗ wrong"),
      h("button", { type: "button", id: "edit", onclick: edit }, "Edit"),
      h("button", { type: "button", id: "forget", class: "danger", onclick: guard(forget) }, "Forget…")),
    editor,
    h("h3", {}, `Versions (${chain.length})`),
    timeline,
  );
}

function confirmForget(memory) {
  const dialog = $("confirm");
  $("confirm-text").textContent = `Forget “${memory.text}”? Its history stays until the user is forgotten.`;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

const fixed = (n, digits = 3) => (typeof n === "number" ? n.toFixed(digits) : "–");

let lastQuery = "";
async function searchView() {
  const input = h("input", { id: "query", type: "search", size: 50, placeholder: "a question, in any language", value: lastQuery });
  const results = h("div", { id: "results" });
  const run = async () => {
    lastQuery = input.value.trim();
    if (!lastQuery) return;
    const at = asOf();
    const reply = await api("POST", "/memories/search", { body: { query: lastQuery, limit: 10, explain: true, ...(at ? { asOf: at } : {}) } });
    // The weights of the query's own ranking; a lifted hit was found by a narrower search of its own.
    const fusion = (reply.results.find((hit) => !hit.explain?.lifted) ?? reply.results[0])?.fusion;
    show(results,
      fusion
        ? h("p", { id: "fusion" }, `Fusion weights for this query: dense ${fixed(fusion.dense, 2)}, lexical ${fixed(fusion.lexical, 2)} ` +
            `(embedder coverage ${fixed(fusion.coverage, 2)}, dense order ${fixed(fusion.denseOrder, 2)}, lexical order ${fixed(fusion.lexicalOrder, 2)}, lexical coverage ${fixed(fusion.lexicalCoverage, 2)})`)
        : h("p", { id: "fusion" }, "No fusion weights (no hits)."),
      h("p", { class: "hint" }, "score = relevance × feedback; relevance = the fusion of the two ranks with the hit's weights d/l (dense/lexical); recency orders equal scores only; lifted = in the time period or the relation the query names (+1)."),
      h("table", { id: "hits" },
        h("thead", {}, h("tr", {}, ...["#", "Memory", "Dense rank", "Lexical rank", "Weights d/l", "Relevance", "Feedback", "Recency", "Lifted", "Score"].map((t) => h("th", {}, t)))),
        h("tbody", {}, reply.results.map((hit, i) =>
          h("tr", { "data-id": hit.memory.id },
            h("td", { class: "num" }, i + 1),
            h("td", { class: "text" }, h("a", { href: `#memory/${encodeURIComponent(hit.memory.id)}` }, hit.memory.text)),
            h("td", { class: "num dense-rank" }, hit.denseRank ?? "–"),
            h("td", { class: "num lexical-rank" }, hit.lexicalRank ?? "–"),
            h("td", { class: "num weights" }, hit.fusion ? `${fixed(hit.fusion.dense, 2)}/${fixed(hit.fusion.lexical, 2)}` : "–"),
            h("td", { class: "num" }, fixed(hit.explain?.relevance, 4)),
            h("td", { class: "num" }, fixed(hit.explain?.feedback, 2)),
            h("td", { class: "num" }, fixed(hit.explain?.recency, 2)),
            h("td", {}, hit.explain?.lifted ? "yes" : ""),
            h("td", { class: "num score" }, fixed(hit.score, 4)))))),
    );
    if (reply.results.length === 0) results.append(h("p", { class: "empty" }, "Nothing found."));
  };
  input.addEventListener("keydown", (e) => e.key === "Enter" && run().catch(fail));
  show(main, h("section", { class: "toolbar" }, input, h("button", { type: "button", id: "run-search", onclick: () => run().catch(fail) }, "Search")), results);
  if (lastQuery) await run();
}

async function mapView() {
  const [svgText, list] = await Promise.all([api("GET", "/entities/map", { query: { format: "svg" }, raw: true }), api("GET", "/entities")]);
  const holder = h("div", { id: "map" });
  const svg = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
  if (svg.nodeName === "svg") {
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    holder.append(document.importNode(svg, true));
  }
  const detail = h("section", { id: "entity" });
  const open = async (name) => {
    const entity = await api("GET", `/entities/${encodeURIComponent(name)}`);
    show(detail,
      h("h3", {}, `${entity.entity.name} (${entity.entity.kind})`),
      entity.relations.length ? h("ul", { class: "relations" }, entity.relations.map((r) => h("li", { class: r.validTo ? "wrong" : "" }, `${r.fromName} ${r.type} ${r.toName}${r.validTo ? ` (until ${when(r.validTo)})` : ""}`))) : null,
      h("ul", { class: "entity-memories" }, entity.memories.map((m) => h("li", { class: standing(m) }, h("a", { href: `#memory/${encodeURIComponent(m.id)}` }, m.text), h("span", { class: "when" }, ` ${validity(m)}`)))),
    );
  };
  holder.addEventListener("click", (e) => {
    const node = e.target.closest?.("[data-entity]");
    if (node && node.dataset.entity !== "user") open(node.dataset.entity).catch(fail);
  });
  show(main,
    h("p", { class: "hint" }, `${list.entities.length} entities. Click one on the map or in the list to see its memories.`),
    h("div", { class: "map-layout" }, holder,
      h("div", {}, h("ul", { id: "entities" }, list.entities.map((e) => h("li", {}, h("button", { type: "button", class: "link", onclick: () => open(e.id).catch(fail) }, `${e.name}`), ` ${e.kind}, ${e.memories}`))), detail)),
  );
}

async function profileView() {
  let profile;
  try {
    profile = await api("GET", "/profile");
  } catch (error) {
    if (error.status === 503 || error.status === 500) return show(main, h("p", { class: "empty" }, error.message));
    throw error;
  }
  const sections = ["identity", "preferences", "constraints", "focus"].map((name) =>
    h("section", { class: "profile-section", "data-section": name }, h("h3", {}, name),
      profile.summary[name].length ? h("ul", {}, profile.summary[name].map((line) => h("li", {}, line))) : h("p", { class: "empty" }, "nothing yet")));
  show(main,
    h("p", {}, `Profile ${profile.status}${profile.source ? `, written by ${profile.source}` : ""}, from ${profile.memoryCount} memories${profile.refreshedAt ? `, ${when(profile.refreshedAt)}` : ""}.`),
    h("div", { class: "profile" }, sections),
    h("h3", {}, `Interests over time (${profile.interests.questions} questions)`),
    interestChart(profile.interests),
  );
}

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Each topic as a lane from its first to its last question on one time axis: earlier topics end early, current ones run to now. */
function interestChart(interests) {
  const topics = [...interests.current.map((t) => ({ ...t, when: "now" })), ...interests.earlier.map((t) => ({ ...t, when: "earlier" }))];
  if (topics.length === 0) {
    return h("p", { id: "interests", class: "empty" }, interests.questions ? "No topic asked about twice yet: a topic enters the trend with its second question." : "No questions recorded yet.");
  }
  const times = topics.flatMap((t) => [Date.parse(t.firstAt), Date.parse(t.lastAt)]);
  const start = Math.min(...times);
  const end = Math.max(Date.now(), ...times);
  const left = 170, width = 620, lane = 26;
  const x = (iso) => left + ((Date.parse(iso) - start) / Math.max(1, end - start)) * width;
  const chart = s("svg", { id: "interests", viewBox: `0 0 ${left + width + 150} ${topics.length * lane + 40}`, role: "img" });
  chart.append(s("title", {}, "Interests over time"));
  topics.forEach((t, i) => {
    const y = 10 + i * lane;
    const colour = t.trend === "rising" ? "#2ca02c" : t.trend === "fading" || t.when === "earlier" ? "#aaa" : "#1f77b4";
    chart.append(s("text", { x: left - 8, y: y + 14, "text-anchor": "end" }, t.topic));
    chart.append(s("rect", { x: x(t.firstAt), y: y + 3, width: Math.max(4, x(t.lastAt) - x(t.firstAt)), height: 14, rx: 3, fill: colour, "data-topic": t.topic }));
    chart.append(s("text", { x: left + width + 8, y: y + 14, class: "share" }, `${t.questions} q · ${Math.round(t.recentShare * 100)}% now · ${t.trend}`));
  });
  const axisY = topics.length * lane + 20;
  chart.append(s("line", { x1: left, y1: axisY, x2: left + width, y2: axisY, stroke: "#888" }));
  chart.append(s("text", { x: left, y: axisY + 15 }, new Date(start).toLocaleDateString()));
  chart.append(s("text", { x: left + width, y: axisY + 15, "text-anchor": "end" }, new Date(end).toLocaleDateString()));
  return chart;
}

let queueState = "";
async function queueView() {
  const select = h("select", { id: "job-state" }, h("option", { value: "" }, "all states"), ...["queued", "running", "done", "dead"].map((st) => h("option", { value: st, selected: queueState === st }, st)));
  select.addEventListener("change", () => { queueState = select.value; route(); });
  const reply = await api("GET", "/queue/jobs", { query: { state: queueState } });
  const act = (fn) => () => fn().then(() => route()).catch(fail);
  show(main,
    h("section", { class: "toolbar" }, h("label", {}, "State ", select),
      h("button", { type: "button", id: "retry-all", onclick: act(async () => say(`Queued again: ${(await api("POST", "/queue/jobs/retry", { body: {} })).retried.length} jobs.`)) }, "Retry all dead")),
    h("table", { id: "jobs" },
      h("thead", {}, h("tr", {}, ...["Job", "Kind", "State", "Attempts", "Failure", "Created", "Updated", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, reply.jobs.length === 0 ? h("tr", {}, h("td", { colspan: 8, class: "empty" }, "No jobs.")) : reply.jobs.map((job) =>
        h("tr", { "data-id": job.id, class: job.state },
          h("td", { class: "id", title: job.id }, shortId(job.id)), h("td", {}, job.kind ?? ""), h("td", {}, job.state), h("td", { class: "num" }, job.attempts),
          h("td", { class: "error" }, job.lastError ?? ""), h("td", { class: "when" }, when(job.createdAt)), h("td", { class: "when" }, when(job.updatedAt)),
          h("td", {},
            job.state === "dead" || job.state === "queued" ? h("button", { type: "button", class: "retry", onclick: act(() => api("POST", `/queue/jobs/${encodeURIComponent(job.id)}/retry`, { body: {} })) }, "Retry") : null,
            job.state !== "running" ? h("button", { type: "button", class: "drop", onclick: act(() => api("DELETE", `/queue/jobs/${encodeURIComponent(job.id)}`)) }, "Drop") : null))))),
  );
}

// ---------- routing, users, tokens ----------

const VIEWS = { memories: memoriesView, search: searchView, map: mapView, profile: profileView, queue: queueView };

function fail(error) {
  if (error instanceof ApiError && error.status === 401 && session.mode === "token") return forgetToken("That token was refused: enter it again.");
  say(error instanceof ApiError && error.status === 404 ? `Not found: ${error.message}` : error.message || String(error), "error");
  if (error instanceof ApiError && error.status === 404) show(main, h("p", { class: "empty", id: "not-found" }, "Nothing here for this user."));
}

async function route() {
  if (!session.user) return;
  const [view, ...rest] = location.hash.replace(/^#/, "").split("/");
  for (const link of document.querySelectorAll("#views a")) link.classList.toggle("active", link.dataset.view === (view === "memory" ? "memories" : view || "memories"));
  say("");
  // A view is built aside and shown only if no newer navigation started meanwhile, so a slow
  // answer for the previous view never draws over the current one.
  const ticket = ++routing;
  main = document.createElement("div");
  const building = main;
  try {
    if (view === "memory") await memoryView(decodeURIComponent(rest.join("/")));
    else await (VIEWS[view] ?? memoriesView)();
  } catch (error) {
    fail(error);
  }
  if (ticket !== routing) return;
  shown.replaceChildren(building);
  // The first memories list on screen: what the first-paint figure measures (BENCHMARKS.md).
  if (building.querySelector("#memories") && performance.getEntriesByName("memories-rendered").length === 0) performance.mark("memories-rendered");
}

function showTokenForm(message) {
  $("token-form").hidden = false;
  shown.replaceChildren();
  say(message || "", message ? "error" : "info");
}

/**
 * One request tells the mode and, with a token kept from earlier in this tab, the user: 200 is
 * token mode signed in, 401 token mode without a (valid) token, anything else (a user id is
 * missing) open mode.
 */
async function detectSession() {
  const res = await fetch("/memories?limit=1", { headers: session.token ? { authorization: `Bearer ${session.token}` } : {} });
  if (res.status === 401) {
    session.mode = "token";
    if (session.token) forgetToken("That token was refused: enter it again.");
    else showTokenForm();
    return false;
  }
  if (!res.ok) {
    session.mode = "open";
    return true;
  }
  session.mode = "token";
  signedIn((await res.json()).userId);
  return true;
}

function forgetToken(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  session.token = "";
  showTokenForm(message);
}

function signedIn(userId) {
  session.user = userId;
  $("token-form").hidden = true;
  $("signed-in").hidden = false;
  $("signed-in").textContent = `Signed in as ${userId}`;
  $("sign-out").hidden = false;
}

/** Open mode: the user named in the address (or last time), else the first of the store's users. */
async function openModeUsers() {
  $("user-picker").hidden = false;
  const input = $("user");
  const wanted = new URLSearchParams(location.search).get("user") || localStorage.getItem(USER_KEY) || "";
  input.addEventListener("change", () => {
    session.user = input.value.trim();
    localStorage.setItem(USER_KEY, session.user);
    // The address names the user, so it can be bookmarked or shared on this machine.
    history.replaceState(null, "", `?user=${encodeURIComponent(session.user)}${location.hash}`);
    route();
  });
  const users = api("POST", "/store/namespaces", { body: { prefix: ["memories"], max_depth: 2, limit: 1000 } })
    .then(({ namespaces }) => namespaces.map((ns) => ns[1]).filter(Boolean))
    .then((ids) => {
      $("users").replaceChildren(...ids.map((u) => h("option", { value: u })));
      return ids;
    });
  // A named user's page need not wait for the list of users.
  session.user = wanted || (await users.catch(() => []))[0] || "";
  input.value = session.user;
  users.catch(fail);
  if (!session.user) say("Name a user to inspect.");
}

async function start() {
  $("as-of").addEventListener("change", () => route());
  $("as-of-now").addEventListener("click", () => { $("as-of").value = ""; route(); });
  $("sign-out").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); location.reload(); });
  $("token-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    session.token = $("token").value.trim();
    try {
      const me = await api("GET", "/memories", { query: { limit: 1 } });
      sessionStorage.setItem(TOKEN_KEY, session.token);
      signedIn(me.userId);
      await route();
    } catch (error) {
      fail(error);
    }
  });
  window.addEventListener("hashchange", () => route());
  if (!(await detectSession())) return;
  if (session.mode === "open") await openModeUsers();
  await route();
}

start().catch(fail);
