// The memory map: the server's SVG of entities and relations; an entity's memories on click.
import { api, h, page, show, standing, validity, when } from "./lib.js";

export async function mapView(main) {
  const [svgText, list] = await Promise.all([
    api("GET", "/entities/map", { query: { format: "svg" }, raw: true }),
    api("GET", "/entities"),
  ]);
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
    show(
      detail,
      h("h3", {}, `${entity.entity.name} (${entity.entity.kind})`),
      entity.relations.length
        ? h(
            "ul",
            { class: "relations" },
            entity.relations.map((r) =>
              h(
                "li",
                { class: r.validTo ? "wrong" : "" },
                `${r.fromName} ${r.type} ${r.toName}${r.validTo ? ` (until ${when(r.validTo)})` : ""}`,
              ),
            ),
          )
        : null,
      h(
        "ul",
        { class: "entity-memories" },
        entity.memories.map((m) =>
          h(
            "li",
            { class: standing(m) },
            h("a", { href: `#memory/${encodeURIComponent(m.id)}` }, m.text),
            h("span", { class: "when" }, ` ${validity(m)}`),
          ),
        ),
      ),
    );
  };
  holder.addEventListener("click", (e) => {
    const node = e.target.closest?.("[data-entity]");
    if (node && node.dataset.entity !== "user") open(node.dataset.entity).catch(page.fail);
  });
  show(
    main,
    h(
      "p",
      { class: "hint" },
      `${list.entities.length} entities. Click one on the map or in the list to see its memories.`,
    ),
    h(
      "div",
      { class: "map-layout" },
      holder,
      h(
        "div",
        {},
        h(
          "ul",
          { id: "entities" },
          list.entities.map((e) =>
            h(
              "li",
              {},
              h("button", { type: "button", class: "link", onclick: () => open(e.id).catch(page.fail) }, `${e.name}`),
              ` ${e.kind}, ${e.memories}`,
            ),
          ),
        ),
        detail,
      ),
    ),
  );
}
