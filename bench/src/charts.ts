/**
 * Small dependency-free SVG charts for BENCHMARKS.md: a line chart (one
 * series per scenario or command, points at named x positions) and a grouped
 * bar chart. Both label their axes and start the value axis at 0.
 */

export interface Series {
  readonly name: string;
  /** One value per x position (per group for bars); NaN leaves a gap. */
  readonly values: readonly number[];
}

export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** The x positions' (or groups') labels. */
  readonly categories: readonly string[];
  readonly series: readonly Series[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];
const WIDTH = 900;
const HEIGHT = 400;
const PAD = { left: 80, right: 230, top: 40, bottom: 60 };

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A round upper bound for the value axis, and its ticks. */
export function niceTicks(max: number): number[] {
  const top = max > 0 ? max : 1;
  const step0 = top / 5;
  const magnitude = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= step0) ?? step0;
  const ticks: number[] = [];
  for (let t = 0; t < top + step - 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1000
    ? v.toLocaleString('en-US', { maximumFractionDigits: 0 })
    : String(Number(v.toPrecision(4)));

interface Frame {
  readonly parts: string[];
  readonly x0: number;
  readonly x1: number;
  readonly y: (v: number) => number;
}

function frame(chart: Chart): Frame {
  const finite = chart.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const ticks = niceTicks(Math.max(0, ...finite));
  const top = ticks[ticks.length - 1]!;
  const x0 = PAD.left;
  const x1 = WIDTH - PAD.right;
  const yBottom = HEIGHT - PAD.bottom;
  const y = (v: number): number => yBottom - (v / top) * (yBottom - PAD.top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${(x0 + x1) / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(chart.title)}</text>`,
  ];
  for (const t of ticks) {
    parts.push(`<line x1="${x0}" y1="${y(t)}" x2="${x1}" y2="${y(t)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${x0 - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(
    `<line x1="${x0}" y1="${yBottom}" x2="${x1}" y2="${yBottom}" stroke="black"/>`,
    `<line x1="${x0}" y1="${PAD.top}" x2="${x0}" y2="${yBottom}" stroke="black"/>`,
    `<text class="x-label" x="${(x0 + x1) / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text class="y-label" x="18" y="${(PAD.top + yBottom) / 2}" transform="rotate(-90 18 ${(PAD.top + yBottom) / 2})" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((s, i) => {
    const ly = PAD.top + 8 + 18 * i;
    parts.push(
      `<rect x="${x1 + 16}" y="${ly - 9}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${x1 + 34}" y="${ly + 1}">${escapeXml(s.name)}</text>`,
    );
  });
  return { parts, x0, x1, y };
}

/** Points at evenly spaced named x positions, joined by lines, one series each. */
export function lineChartSvg(chart: Chart): string {
  const { parts, x0, x1, y } = frame(chart);
  const n = chart.categories.length;
  const x = (i: number): number => x0 + ((i + 0.5) / Math.max(1, n)) * (x1 - x0);
  chart.categories.forEach((c, i) => {
    parts.push(
      `<text x="${x(i)}" y="${HEIGHT - PAD.bottom + 18}" text-anchor="middle">${escapeXml(c)}</text>`,
    );
  });
  chart.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const points = s.values.flatMap((v, j) => (Number.isFinite(v) ? [[x(j), y(v), v] as const] : []));
    parts.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    if (points.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`,
      );
    for (const [px, py, v] of points)
      parts.push(
        `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${color}" data-value="${v}"><title>${escapeXml(s.name)}: ${fmt(v)}</title></circle>`,
      );
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** One group of bars per category, one bar per series, each labelled with its value. */
export function barChartSvg(chart: Chart): string {
  const { parts, x0, x1, y } = frame(chart);
  const n = Math.max(1, chart.categories.length);
  const groupWidth = (x1 - x0) / n;
  const barWidth = (groupWidth * 0.8) / Math.max(1, chart.series.length);
  chart.categories.forEach((c, j) => {
    parts.push(
      `<text x="${x0 + groupWidth * (j + 0.5)}" y="${HEIGHT - PAD.bottom + 18}" text-anchor="middle">${escapeXml(c)}</text>`,
    );
  });
  const y0 = y(0);
  chart.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    parts.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    s.values.forEach((v, j) => {
      if (!Number.isFinite(v)) return;
      const bx = x0 + groupWidth * j + groupWidth * 0.1 + barWidth * i;
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y0 - y(v)).toFixed(1)}" fill="${color}" data-value="${v}"><title>${escapeXml(s.name)}: ${fmt(v)}</title></rect>`,
        `<text x="${(bx + barWidth / 2).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${fmt(v)}</text>`,
      );
    });
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('\n');
}
