// The memory inspector's script: hand-written, no build step, no library (ES modules served from
// this folder). Every read and change goes through the documented HTTP routes (docs/http-api.md)
// with the caller's token, so the page sees what those routes let the caller see and nothing more.
// This file: who the user is (open or token mode), and which view is shown.

import { $, api, ApiError, h, page, say, session, show, TOKEN_KEY, USER_KEY } from "./lib.js";
import { mapView } from "./map.js";
import { memoriesView, memoryView } from "./memories.js";
import { profileView } from "./profile.js";
import { queueView } from "./queue.js";
import { searchView } from "./search.js";

const shown = $("main");
let routing = 0;
/** The address of the view on screen (or being drawn). */
let shownHash = null;
const VIEWS = { memories: memoriesView, search: searchView, map: mapView, profile: profileView, queue: queueView };

/** An error of a call: a refused token asks for it again; anything else is said in the status line. */
function fail(error) {
  if (error instanceof ApiError && error.status === 401 && session.mode === "token")
    return forgetToken("That token was refused: enter it again.");
  say(
    error instanceof ApiError && error.status === 404 ? `Not found: ${error.message}` : error.message || String(error),
    "error",
  );
}
page.fail = fail;
page.refresh = () => route();

async function route() {
  if (!session.user) return;
  const [view, ...rest] = location.hash.replace(/^#/, "").split("/");
  for (const link of document.querySelectorAll("#views a"))
    link.classList.toggle("active", link.dataset.view === (view === "memory" ? "memories" : view || "memories"));
  // A view is built aside and shown only if no newer navigation started meanwhile, so a slow
  // answer for the previous view never draws over the current one.
  const ticket = ++routing;
  // Another view: the old one goes at once, so nothing of it can be clicked meanwhile. The same
  // view drawn again (a filter, the as-of time) stays visible but inert until the new one is ready.
  if (location.hash !== shownHash) {
    shown.replaceChildren();
    say("");
  } else for (const child of shown.children) child.inert = true;
  shownHash = location.hash;
  const building = document.createElement("div");
  try {
    if (view === "memory") await memoryView(building, decodeURIComponent(rest.join("/")));
    else await (VIEWS[view] ?? memoriesView)(building);
  } catch (error) {
    fail(error);
    // Another user's id answers 404 as an unknown one: the page says the same, nothing more.
    if (error instanceof ApiError && error.status === 404)
      show(building, h("p", { class: "empty", id: "not-found" }, "Nothing here for this user."));
  }
  if (ticket !== routing) return;
  shown.replaceChildren(building);
  // The first memories list on screen: what the first-paint figure measures (BENCHMARKS.md).
  if (building.querySelector("#memories") && performance.getEntriesByName("memories-rendered").length === 0)
    performance.mark("memories-rendered");
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
  const res = await fetch("/memories?limit=1", {
    headers: session.token ? { authorization: `Bearer ${session.token}` } : {},
  });
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
  $("as-of-now").addEventListener("click", () => {
    $("as-of").value = "";
    route();
  });
  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
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
