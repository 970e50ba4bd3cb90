// The search playground: the search the graph runs, with each hit's ranks, weights and score factors.
import { api, asOf, fixed, h, page, show } from "./lib.js";

let lastQuery = "";
export async function searchView(main) {
  const input = h("input", {
    id: "query",
    type: "search",
    size: 50,
    placeholder: "a question, in any language",
    value: lastQuery,
  });
  const results = h("div", { id: "results" });
  const run = async () => {
    lastQuery = input.value.trim();
    if (!lastQuery) return;
    const at = asOf();
    const reply = await api("POST", "/memories/search", {
      body: { query: lastQuery, limit: 10, explain: true, ...(at ? { asOf: at } : {}) },
    });
    // The weights of the query's own ranking; a lifted hit was found by a narrower search of its own.
    const fusion = (reply.results.find((hit) => !hit.explain?.lifted) ?? reply.results[0])?.fusion;
    show(
      results,
      fusion
        ? h(
            "p",
            { id: "fusion" },
            `Fusion weights for this query: dense ${fixed(fusion.dense, 2)}, lexical ${fixed(fusion.lexical, 2)} ` +
              `(embedder coverage ${fixed(fusion.coverage, 2)}, dense order ${fixed(fusion.denseOrder, 2)}, lexical order ${fixed(fusion.lexicalOrder, 2)}, lexical coverage ${fixed(fusion.lexicalCoverage, 2)})`,
          )
        : h("p", { id: "fusion" }, "No fusion weights (no hits)."),
      h(
        "p",
        { class: "hint" },
        "score = relevance × feedback; relevance = the fusion of the two ranks with the hit's weights d/l (dense/lexical); recency orders equal scores only; lifted = in the time period or the relation the query names (+1).",
      ),
      h(
        "table",
        { id: "hits" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...[
              "#",
              "Memory",
              "Dense rank",
              "Lexical rank",
              "Weights d/l",
              "Relevance",
              "Feedback",
              "Recency",
              "Lifted",
              "Score",
            ].map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          reply.results.map((hit, i) =>
            h(
              "tr",
              { "data-id": hit.memory.id },
              h("td", { class: "num" }, i + 1),
              h(
                "td",
                { class: "text" },
                h("a", { href: `#memory/${encodeURIComponent(hit.memory.id)}` }, hit.memory.text),
              ),
              h("td", { class: "num dense-rank" }, hit.denseRank ?? "–"),
              h("td", { class: "num lexical-rank" }, hit.lexicalRank ?? "–"),
              h(
                "td",
                { class: "num weights" },
                hit.fusion ? `${fixed(hit.fusion.dense, 2)}/${fixed(hit.fusion.lexical, 2)}` : "–",
              ),
              h("td", { class: "num" }, fixed(hit.explain?.relevance, 4)),
              h("td", { class: "num" }, fixed(hit.explain?.feedback, 2)),
              h("td", { class: "num" }, fixed(hit.explain?.recency, 2)),
              h("td", {}, hit.explain?.lifted ? "yes" : ""),
              h("td", { class: "num score" }, fixed(hit.score, 4)),
            ),
          ),
        ),
      ),
    );
    if (reply.results.length === 0) results.append(h("p", { class: "empty" }, "Nothing found."));
  };
  input.addEventListener("keydown", (e) => e.key === "Enter" && run().catch(page.fail));
  show(
    main,
    h(
      "section",
      { class: "toolbar" },
      input,
      h("button", { type: "button", id: "run-search", onclick: () => run().catch(page.fail) }, "Search"),
    ),
    results,
  );
  if (lastQuery) await run();
}
