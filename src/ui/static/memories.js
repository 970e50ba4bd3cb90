// The memories view (list and filters) and a memory's page (versions timeline, history, feedback, edit, forget).
import { $, api, asOf, CATEGORIES, h, page, PAGE, say, show, standing, validity, when } from "./lib.js";

const filters = { state: "current", category: "", text: "" };

export async function memoriesView(main) {
  const at = asOf();
  const stateSelect = h(
    "select",
    { id: "filter-state", disabled: Boolean(at), title: at ? "As of a time shows what held then" : undefined },
    ...["current", "superseded", "all"].map((s) => h("option", { value: s, selected: filters.state === s }, s)),
  );
  const categorySelect = h(
    "select",
    { id: "filter-category" },
    h("option", { value: "" }, "any category"),
    ...CATEGORIES.map((c) => h("option", { value: c, selected: filters.category === c }, c)),
  );
  const textInput = h("input", {
    id: "filter-text",
    type: "search",
    placeholder: "text contains…",
    value: filters.text,
  });
  const apply = () => {
    filters.state = stateSelect.value;
    filters.category = categorySelect.value;
    filters.text = textInput.value.trim();
    page.refresh();
  };
  stateSelect.addEventListener("change", apply);
  categorySelect.addEventListener("change", apply);
  textInput.addEventListener("keydown", (e) => e.key === "Enter" && apply());
  const summary = h("p", { id: "list-summary" });
  const body = h("tbody");
  const more = h("button", { type: "button", id: "more", hidden: true }, "Show more");
  show(
    main,
    h(
      "section",
      { class: "toolbar" },
      h("label", {}, "State ", stateSelect),
      h("label", {}, "Category ", categorySelect),
      h("label", {}, "Text ", textInput),
      h("button", { type: "button", onclick: apply }, "Filter"),
    ),
    summary,
    h(
      "table",
      { id: "memories" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Memory"),
          h("th", {}, "Category"),
          h("th", {}, "Valid"),
          h("th", {}, "State"),
          h("th", { class: "num" }, "Weight"),
          h("th", { class: "num" }, "Uses"),
        ),
      ),
      body,
    ),
    more,
  );
  let offset = 0;
  const load = async () => {
    const query = { limit: PAGE, offset, category: filters.category, text: filters.text };
    if (at) query.asOf = at;
    else query.state = filters.state;
    const listing = await api("GET", "/memories", { query });
    for (const m of listing.memories) {
      // As of a past moment every listed memory held then; what became of it since is a note.
      const state = at && standing(m) !== "current" ? `held then (${standing(m)} since)` : standing(m);
      body.append(
        h(
          "tr",
          { "data-id": m.id, class: at ? "" : standing(m) },
          h("td", { class: "text" }, h("a", { href: `#memory/${encodeURIComponent(m.id)}` }, m.text)),
          h("td", {}, m.category),
          h("td", { class: "when" }, validity(m)),
          h("td", {}, state),
          h("td", { class: "num" }, m.weight.toFixed(2)),
          h("td", { class: "num" }, m.useCount),
        ),
      );
    }
    offset += listing.memories.length;
    summary.textContent =
      `${listing.total} ${listing.total === 1 ? "memory" : "memories"}${at ? ` as of ${when(at)}` : ""} for ${listing.userId}` +
      (offset < listing.total ? `, showing ${offset}` : "");
    more.hidden = offset >= listing.total;
    if (listing.total === 0) body.append(h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No memories here.")));
  };
  more.addEventListener("click", () => load().catch(page.fail));
  await load();
}

/** The user's memories that no longer hold: every older version of a fact is among them. */
async function pastMemories() {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const listing = await api("GET", "/memories", { query: { state: "superseded", limit: 1000, offset } });
    out.push(...listing.memories);
    if (out.length >= listing.total || listing.memories.length === 0) return out;
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
  for (let next = memory.supersededBy; next && !seen.has(next);) {
    const m = byId.get(next) ?? (await api("GET", `/memories/${encodeURIComponent(next)}`).catch(() => null));
    if (!m) break;
    seen.add(m.id);
    chain.push(m);
    next = m.supersededBy;
  }
  return chain;
}

export async function memoryView(main, id) {
  const [memory, past] = await Promise.all([api("GET", `/memories/${encodeURIComponent(id)}`), pastMemories()]);
  const chain = await versionsOf(memory, past);
  const histories = await Promise.all(
    chain.map((m) => api("GET", `/memories/${encodeURIComponent(m.id)}/history`).then((r) => r.history)),
  );
  const timeline = h("ol", { id: "timeline" });
  chain.forEach((version, i) => {
    const entries = histories[i].map((e) =>
      h(
        "li",
        { class: `change ${e.operation.toLowerCase()}` },
        h("span", { class: "op" }, e.operation),
        " ",
        h("span", { class: "when" }, when(e.at)),
        e.oldText && e.newText && e.oldText !== e.newText
          ? h("div", { class: "diff" }, h("del", {}, e.oldText), " → ", h("ins", {}, e.newText))
          : null,
        e.reason ? h("div", { class: "reason" }, "reason: ", e.reason) : null,
      ),
    );
    const replaced =
      i > 0
        ? h(
            "div",
            { class: "link" },
            "replaced ",
            h("a", { href: `#memory/${encodeURIComponent(chain[i - 1].id)}` }, chain[i - 1].text),
          )
        : null;
    const replacedBy = chain[i + 1]
      ? h(
          "div",
          { class: "link" },
          "replaced by ",
          h("a", { href: `#memory/${encodeURIComponent(chain[i + 1].id)}` }, chain[i + 1].text),
          ` on ${when(version.validTo)}`,
        )
      : null;
    timeline.append(
      h(
        "li",
        { class: `version ${standing(version)}${version.id === memory.id ? " this" : ""}`, "data-id": version.id },
        h("div", { class: "version-text" }, version.text),
        h("div", { class: "when" }, `${standing(version)} · valid ${validity(version)}`),
        replaced,
        replacedBy,
        h("ul", { class: "history" }, entries),
      ),
    );
  });
  const feedback = (kind) => async () => {
    const updated = await api("POST", `/memories/${encodeURIComponent(id)}/feedback`, { body: { feedback: kind } });
    say(
      `Feedback "${kind}" recorded: weight ${updated.weight.toFixed(2)}${updated.validTo ? ", no longer current" : ""}.`,
    );
    await memoryView(main, id);
  };
  const edit = () => {
    const area = h("textarea", { id: "edit-text", rows: 3, cols: 60 }, memory.text);
    const save = h(
      "button",
      {
        type: "button",
        id: "edit-save",
        onclick: async () => {
          const updated = await api("PATCH", `/memories/${encodeURIComponent(id)}`, {
            body: { text: area.value },
          }).catch(page.fail);
          if (updated) {
            say("Saved.");
            await memoryView(main, id);
          }
        },
      },
      "Save",
    );
    show(editor, area, h("br"), save, " ", h("button", { type: "button", onclick: () => show(editor) }, "Cancel"));
  };
  const forget = async () => {
    if (!(await confirmForget(memory))) return;
    await api("DELETE", `/memories/${encodeURIComponent(id)}`);
    say(`Forgot “${memory.text}”.`);
    location.hash = "#memories";
  };
  const guard = (fn) => () => fn().catch(page.fail);
  const editor = h("div", { id: "editor" });
  show(
    main,
    h("p", {}, h("a", { href: "#memories" }, "← memories")),
    h("h2", { id: "memory-text" }, memory.text),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "State"),
      h("dd", { id: "memory-state" }, standing(memory)),
      h("dt", {}, "Valid"),
      h("dd", {}, validity(memory)),
      h("dt", {}, "Category"),
      h("dd", {}, memory.category),
      h("dt", {}, "Feedback weight"),
      h("dd", { id: "memory-weight" }, memory.weight.toFixed(2)),
      h("dt", {}, "Uses"),
      h("dd", {}, `${memory.useCount}${memory.lastUsedAt ? `, last ${when(memory.lastUsedAt)}` : ""}`),
      h("dt", {}, "Id"),
      h("dd", { class: "id" }, memory.id),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", id: "fb-up", onclick: guard(feedback("up")) }, "▲ up"),
      h("button", { type: "button", id: "fb-down", onclick: guard(feedback("down")) }, "▼ down"),
      h("button", { type: "button", id: "fb-wrong", onclick: guard(feedback("wrong")) }, "✗ wrong"),
      h("button", { type: "button", id: "edit", onclick: edit }, "Edit"),
      h("button", { type: "button", id: "forget", class: "danger", onclick: guard(forget) }, "Forget…"),
    ),
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
  return new Promise((resolve) =>
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }),
  );
}
