/** A grouped bar chart as hand-written SVG: one group per x label, one bar per series. */
export interface BarChart {
  title: string;
  subtitle?: string;
  xLabels: string[];
  series: { name: string; values: number[] }[];
  yMax?: number;
  yLabel?: string;
}

const COLOURS = ["#1b6ac9", "#e8892c", "#3a9e4f", "#b5446e", "#7a5cc4", "#6b6b6b"];

const escapeXml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

export function barChartSvg(chart: BarChart): string {
  const width = 760;
  const height = 420;
  const m = { top: 70, right: 170, bottom: 50, left: 60 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const yMax = chart.yMax ?? Math.max(1e-9, ...chart.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const y = (v: number) => m.top + plotH - (Math.max(0, v) / yMax) * plotH;
  const groupW = plotW / Math.max(1, chart.xLabels.length);
  const barW = (groupW * 0.8) / Math.max(1, chart.series.length);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${m.left}" y="26" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`);
  if (chart.subtitle) out.push(`<text x="${m.left}" y="46" fill="#555">${escapeXml(chart.subtitle)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#555">${v.toFixed(2)}</text>`);
  }
  if (chart.yLabel) {
    out.push(
      `<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#555">${escapeXml(chart.yLabel)}</text>`,
    );
  }
  chart.xLabels.forEach((label, gi) => {
    const gx = m.left + gi * groupW + groupW * 0.1;
    chart.series.forEach((s, si) => {
      const v = s.values[gi];
      if (!Number.isFinite(v)) return;
      const x = gx + si * barW;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(m.top + plotH - y(v)).toFixed(1)}" fill="${COLOURS[si % COLOURS.length]}"/>`,
      );
      out.push(
        `<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${v.toFixed(2)}</text>`,
      );
    });
    out.push(
      `<text x="${m.left + gi * groupW + groupW / 2}" y="${m.top + plotH + 20}" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  });
  out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="#333"/>`);
  chart.series.forEach((s, si) => {
    const ly = m.top + si * 22;
    out.push(
      `<rect x="${width - m.right + 20}" y="${ly}" width="14" height="14" fill="${COLOURS[si % COLOURS.length]}"/>`,
    );
    out.push(`<text x="${width - m.right + 40}" y="${ly + 11}">${escapeXml(s.name)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
