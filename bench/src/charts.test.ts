import { describe, expect, it } from 'vitest';
import { drawCharts, httpFigures, RECORDED } from '../http/plots.js';
import { barChartSvg, type Chart, lineChartSvg, niceTicks } from './charts.js';

const chart: Chart = {
  title: 'Latency percentiles per scenario (figures from BENCHMARKS.md, 2026-12-02)',
  xLabel: 'percentile',
  yLabel: 'latency (ms)',
  categories: ['p50', 'p90', 'p99'],
  series: [
    { name: 'confirm', values: [37.2, 60, 86.5] },
    { name: 'create', values: [28.9, Number.NaN, 61.2] },
    { name: 'schedules <1 in flight>', values: [0.87, 2, 4.99] },
  ],
};

/** The y coordinate of the value axis' 0 and top, read from the axis lines. */
function plotArea(svg: string): { bottom: number; top: number } {
  const yAxis = /<line x1="(\d+)" y1="(\d+)" x2="\1" y2="(\d+)" stroke="black"\/>/.exec(svg);
  return { top: Number(yAxis?.[2]), bottom: Number(yAxis?.[3]) };
}

describe.each([
  ['line', lineChartSvg, /<circle cx="[\d.]+" cy="([\d.]+)"[^>]*data-value="([\d.]+)"/g],
  ['bar', barChartSvg, /<rect x="[\d.]+" y="([\d.]+)"[^>]*data-value="([\d.]+)"/g],
] as const)('the %s chart', (_kind, draw, marks) => {
  const svg = draw(chart);

  it('is one SVG document with the title and both axes labelled', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain(
      '<title>Latency percentiles per scenario (figures from BENCHMARKS.md, 2026-12-02)</title>',
    );
    expect(svg).toMatch(/class="x-label"[^>]*>percentile</);
    expect(svg).toMatch(/class="y-label"[^>]*>latency \(ms\)</);
    for (const c of chart.categories) expect(svg).toContain(`>${c}</text>`);
  });

  it('draws one series per scenario, named in the legend, with names escaped', () => {
    const groups = [...svg.matchAll(/<g class="series" data-name="([^"]*)">/g)].map((m) => m[1]);
    expect(groups).toEqual(['confirm', 'create', 'schedules &lt;1 in flight&gt;']);
    expect(svg).not.toContain('<1 in flight>');
  });

  it('places every value inside the plot area, in order, and skips the missing one', () => {
    const { top, bottom } = plotArea(svg);
    const drawn = [...svg.matchAll(marks)].map((m) => ({ y: Number(m[1]), value: Number(m[2]) }));
    expect(drawn).toHaveLength(8);
    for (const { y } of drawn) {
      expect(y).toBeGreaterThanOrEqual(top);
      expect(y).toBeLessThanOrEqual(bottom);
    }
    const byValue = [...drawn].sort((a, b) => a.value - b.value);
    for (let i = 1; i < byValue.length; i++) expect(byValue[i]!.y).toBeLessThanOrEqual(byValue[i - 1]!.y);
    // The largest value lies within the top tick: the axis reaches above it.
    expect(drawn.find((d) => d.value === 86.5)!.y).toBeGreaterThanOrEqual(top);
  });
});

describe('niceTicks', () => {
  it('starts at 0 and ends at a round number at or above the maximum', () => {
    expect(niceTicks(86.5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(19964).at(-1)).toBeGreaterThanOrEqual(19964);
    expect(niceTicks(0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe("BENCHMARKS.md's charts from the recorded figures", () => {
  it('names the source and date in each title, and has one series per scenario or command', () => {
    const svgs = drawCharts(RECORDED);
    expect(Object.keys(svgs).sort()).toEqual([
      'latency-percentiles.svg',
      'rush-one-vs-two-apis.svg',
      'start-times.svg',
    ]);
    for (const svg of Object.values(svgs))
      expect(svg).toMatch(/<title>[^<]*figures from BENCHMARKS\.md, 2026-12-02/);
    const count = (svg: string) => svg.match(/<g class="series"/g)?.length;
    expect(count(svgs['latency-percentiles.svg']!)).toBe(Object.keys(RECORDED.http.latency).length);
    expect(count(svgs['rush-one-vs-two-apis.svg']!)).toBe(2);
    expect(count(svgs['start-times.svg']!)).toBe(3);
    expect(svgs['start-times.svg']).toMatch(/class="y-label"[^>]*>time to \/healthz 200 \(ms\)</);
  });
});

describe('the charts from a results file of `pnpm bench`', () => {
  it('takes medians over the runs, with p90, and both topologies of the rush', () => {
    const job = (p50: number, throughput = 100) => ({ p50, p90: p50 * 2, p99: p50 * 3, throughput });
    const run = (p50: number) => ({
      scenarios: { confirm: job(p50), create: job(p50 + 1) },
    });
    const rush = (t: number) => ({
      single: { create: job(30, t), schedules: job(5, 10 * t), mixed: job(40, t) },
      scaled: { create: job(60, t / 2), schedules: job(9, 5 * t), mixed: job(50, t / 2) },
      bare: job(2, 20 * t),
      bareBalanced: job(4, 13 * t),
    });
    const figures = httpFigures(
      { reports: [run(10), run(30), run(20)], rush: [rush(1000), rush(1200), rush(1100)] },
      'bench/results/http-x.json, 2026-12-06',
    )!;
    expect(figures.latency['(1) confirm, 64 in flight']).toEqual({ p50: 20, p90: 40, p99: 60 });
    expect(figures.rush?.create).toEqual({ one: 1100, two: 550 });
    const svg = drawCharts({ http: figures })['latency-percentiles.svg']!;
    expect(svg).toContain('>p90</text>');
    expect(svg.match(/<g class="series"/g)).toHaveLength(Object.keys(figures.latency).length);
  });
});
