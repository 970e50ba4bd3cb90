import type { MemoryMap } from "./map.js";

/** Graphviz DOT of the map: superseded relations dashed, with the time they ended. */
export function mapToDot(map: MemoryMap): string {
  const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const lines = [`digraph ${q(`memory map of ${map.userId}`)} {`, "  node [shape=box, style=rounded];"];
  for (const n of map.nodes)
    lines.push(`  ${q(n.id)} [label=${q(`${n.name}\n${n.kind}${n.memories ? `, ${n.memories} memories` : ""}`)}];`);
  for (const e of map.edges) {
    const ended = e.validTo
      ? `, style=dashed, label=${q(`${e.type} (until ${e.validTo.slice(0, 10)})`)}`
      : `, label=${q(e.type)}`;
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [${ended.slice(2)}];`);
  }
  lines.push("}");
  return lines.join("\n");
}

const KIND_COLOURS: Record<string, string> = {
  user: "#444444",
  person: "#1f77b4",
  pet: "#ff7f0e",
  place: "#2ca02c",
  organisation: "#9467bd",
  project: "#8c564b",
  product: "#e377c2",
  topic: "#7f7f7f",
};

/**
 * An SVG a person can read without other tools: entities on a circle (the user, when a relation
 * names them, in the middle), each a dot sized by its memories with its name beside it, relations
 * as labelled lines (superseded ones dashed and grey), and a legend of kinds. At most `maxNodes`
 * entities, the most named first, so the labels stay legible.
 */
export function mapToSvg(map: MemoryMap, maxNodes = 40): string {
  const user = map.nodes.find((n) => n.kind === "user");
  const linked = new Set(map.edges.flatMap((e) => [e.from, e.to]));
  const others = map.nodes
    .filter((n) => n.kind !== "user")
    .sort((a, b) => Number(linked.has(b.id)) - Number(linked.has(a.id)) || b.memories - a.memories)
    .slice(0, maxNodes);
  const size = 900;
  const centre = size / 2;
  const radius = size / 2 - 170;
  const pos = new Map<string, { x: number; y: number }>();
  if (user) pos.set(user.id, { x: centre, y: centre });
  others.forEach((n, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, others.length) - Math.PI / 2;
    pos.set(n.id, { x: centre + radius * Math.cos(a), y: centre + radius * Math.sin(a) });
  });
  const esc = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 40}" viewBox="0 0 ${size} ${size + 40}" font-family="sans-serif, &apos;Noto Sans CJK SC&apos;, &apos;PingFang SC&apos;, &apos;Microsoft YaHei&apos;" font-size="14">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="20" y="28" font-size="18" font-weight="bold">${esc(`Memory map of ${map.userId}`)}</text>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>`,
  ];
  for (const e of map.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const stroke = e.validTo ? `stroke="#aaa" stroke-dasharray="6 4"` : `stroke="#555"`;
    out.push(
      `<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" ${stroke} stroke-width="1.5" marker-end="url(#arrow)"/>`,
    );
    const label = e.validTo ? `${e.type} (until ${e.validTo.slice(0, 10)})` : e.type;
    out.push(
      `<text x="${((a.x + b.x) / 2).toFixed(1)}" y="${((a.y + b.y) / 2 - 6).toFixed(1)}" text-anchor="middle" fill="${e.validTo ? "#888" : "#222"}" font-size="12">${esc(label)}</text>`,
    );
  }
  for (const n of [...(user ? [user] : []), ...others]) {
    const p = pos.get(n.id)!;
    const r = 6 + Math.min(14, Math.sqrt(n.memories) * 2);
    const right = p.x >= centre;
    // Grouped and tagged with its id, so a page showing the map can tell which entity was clicked.
    out.push(`<g data-entity="${esc(n.id)}">`);
    out.push(
      `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${r.toFixed(1)}" fill="${KIND_COLOURS[n.kind] ?? "#7f7f7f"}"/>`,
    );
    const label = n.memories ? `${n.name} (${n.memories})` : n.name;
    const anchor = n === user ? "middle" : right ? "start" : "end";
    const dx = n === user ? 0 : right ? r + 6 : -(r + 6);
    const dy = n === user ? -(r + 8) : 5;
    out.push(
      `<text x="${(p.x + dx).toFixed(1)}" y="${(p.y + dy).toFixed(1)}" text-anchor="${anchor}">${esc(label)}</text>`,
    );
    out.push("</g>");
  }
  const kinds = [...new Set([...(user ? [user] : []), ...others].map((n) => n.kind))];
  kinds.forEach((k, i) => {
    const x = 20 + i * 120;
    out.push(
      `<circle cx="${x + 6}" cy="${size + 20}" r="6" fill="${KIND_COLOURS[k] ?? "#7f7f7f"}"/><text x="${x + 18}" y="${size + 25}">${esc(k)}</text>`,
    );
  });
  if (map.nodes.length - (user ? 1 : 0) > others.length) {
    out.push(
      `<text x="${size - 20}" y="28" text-anchor="end" fill="#666">${others.length} of ${map.nodes.length - (user ? 1 : 0)} entities shown</text>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}
