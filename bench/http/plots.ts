/**
 * `pnpm bench:plots`: (re)draws BENCHMARKS.md's SVG charts into docs/bench/
 * from the newest results JSON in bench/results/ (`pnpm bench` writes
 * http-*.json, `pnpm bench:start` start-*.json) without running anything;
 * where there is none, from the figures recorded in BENCHMARKS.md, and the
 * charts' titles say so. `pnpm bench` draws them at its end too.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { barChartSvg, lineChartSvg, type Series } from '../src/charts.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const results = join(root, 'bench/results');
export const plotsDir = join(root, 'docs/bench');

interface Latency {
  readonly p50: number;
  readonly p90?: number;
  readonly p99: number;
}
interface Rate extends Latency {
  readonly throughput: number;
}

/** What the charts show, and where it came from ("results http-….json" or "figures from BENCHMARKS.md, <date>"). */
export interface Figures {
  readonly http?: {
    readonly source: string;
    /** Per scenario label: its latency percentiles, ms. */
    readonly latency: Record<string, Latency>;
    /** Per rush scenario label: req/s on one API and on two behind HAProxy. */
    readonly rush?: Record<string, { one: number; two: number }>;
  };
  readonly start?: {
    readonly source: string;
    /** Per command: ms from launch to the first /healthz 200, per restart in order. */
    readonly times: Record<string, readonly number[]>;
  };
}

/** The figures BENCHMARKS.md records (medians of 3 runs; start: the 16:43 UTC row). */
export const RECORDED: Required<Figures> = {
  http: {
    source: 'figures from BENCHMARKS.md, 2026-12-02',
    latency: {
      '(1) confirm, 64 in flight': { p50: 37.22, p99: 86.5 },
      '(2) create, 32 in flight': { p50: 28.94, p99: 61.24 },
      '(3) schedules, 8 in flight': { p50: 8.08, p99: 40.02 },
      '(3) schedules, 1 in flight': { p50: 0.87, p99: 4.99 },
      '(4) GET one, 32 in flight': { p50: 13.67, p99: 43.69 },
      '(6) rush create, 1 API': { p50: 33.0, p99: 84.0 },
      '(6) rush schedules, 1 API': { p50: 5.7, p99: 13.1 },
      '(6) rush mixed visit, 1 API': { p50: 47.0, p99: 165.6 },
    },
    rush: {
      create: { one: 1736, two: 911 },
      '7-day schedules': { one: 11142, two: 6139 },
      'mixed visit': { one: 1215, two: 982 },
      'bare HTTP (ceiling)': { one: 19964, two: 13409 },
    },
  },
  start: {
    source: 'figures from BENCHMARKS.md, 2026-12-02 16:43 UTC',
    times: {
      'npm start (the README’s)': [3013, 3171, 3140, 3365, 3055, 2857, 3065, 2864],
      'npx -y pnpm@10.34.9 start': [6023, 5680, 6409, 6425, 5910, 5097, 5315, 5263],
      'npx and pnpm alone': [2968, 2548, 2742, 2505, 2583, 2393, 2411, 2398],
    },
  },
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

type Job = Rate | undefined;
interface HttpResults {
  readonly reports?: { scenarios: Record<string, Job> }[];
  readonly rush?: {
    single: Record<string, Job>;
    scaled: Record<string, Job>;
    bare: Job;
    bareBalanced: Job;
  }[];
}

/** The charts' figures from a results file of `pnpm bench` (medians over its runs). */
export function httpFigures(json: HttpResults, source: string): Figures['http'] {
  const latency: Record<string, Latency> = {};
  const add = (label: string, jobs: Job[]): void => {
    const present = jobs.filter((j): j is Rate => j !== undefined);
    if (present.length === 0) return;
    const p90s = present.map((j) => j.p90).filter((v): v is number => v !== undefined);
    latency[label] = {
      p50: median(present.map((j) => j.p50)),
      p90: p90s.length > 0 ? median(p90s) : undefined,
      p99: median(present.map((j) => j.p99)),
    };
  };
  const reports = json.reports ?? [];
  const labels: [string, string][] = [
    ['confirm', '(1) confirm, 64 in flight'],
    ['create', '(2) create, 32 in flight'],
    ['schedules', '(3) schedules, 8 in flight'],
    ['schedulesAlone', '(3) schedules, 1 in flight'],
    ['getOne', '(4) GET one, 32 in flight'],
  ];
  for (const [key, label] of labels)
    add(
      label,
      reports.map((r) => r.scenarios[key]),
    );
  const rushRuns = json.rush ?? [];
  const rushKeys: [string, string][] = [
    ['create', 'create'],
    ['schedules', 'schedules'],
    ['mixed', 'mixed visit'],
  ];
  for (const [key, label] of rushKeys)
    add(
      `(6) rush ${label}, 1 API`,
      rushRuns.map((r) => r.single[key]),
    );
  let rush: Record<string, { one: number; two: number }> | undefined;
  if (rushRuns.length > 0) {
    const rate = (jobs: Job[]) => median(jobs.map((j) => j?.throughput ?? Number.NaN));
    rush = {};
    for (const [key, label] of rushKeys)
      rush[label === 'schedules' ? '7-day schedules' : label] = {
        one: rate(rushRuns.map((r) => r.single[key])),
        two: rate(rushRuns.map((r) => r.scaled[key])),
      };
    rush['bare HTTP (ceiling)'] = {
      one: rate(rushRuns.map((r) => r.bare)),
      two: rate(rushRuns.map((r) => r.bareBalanced)),
    };
  }
  return { source, latency, rush };
}

/** The SVGs, by file name. */
export function drawCharts(figures: Figures): Record<string, string> {
  const svgs: Record<string, string> = {};
  if (figures.http) {
    const { source, latency, rush } = figures.http;
    const scenarios = Object.entries(latency);
    const withP90 = scenarios.some(([, l]) => l.p90 !== undefined);
    const percentiles = withP90 ? ['p50', 'p90', 'p99'] : ['p50', 'p99'];
    svgs['latency-percentiles.svg'] = lineChartSvg({
      title: `Latency percentiles per scenario (${source})`,
      xLabel: withP90 ? 'percentile' : 'percentile (p90 not recorded in BENCHMARKS.md)',
      yLabel: 'latency (ms)',
      categories: percentiles,
      series: scenarios.map(([name, l]) => ({
        name,
        values: withP90 ? [l.p50, l.p90 ?? Number.NaN, l.p99] : [l.p50, l.p99],
      })),
    });
    if (rush) {
      const groups = Object.entries(rush);
      svgs['rush-one-vs-two-apis.svg'] = barChartSvg({
        title: `Registration rush: one API vs two behind HAProxy (${source})`,
        xLabel: 'scenario, 64 requests in flight',
        yLabel: 'requests per second',
        categories: groups.map(([name]) => name),
        series: [
          { name: '1 API process', values: groups.map(([, r]) => r.one) },
          { name: '2 API processes (HAProxy)', values: groups.map(([, r]) => r.two) },
        ],
      });
    }
  }
  if (figures.start) {
    const entries = Object.entries(figures.start.times).filter(([, t]) => t.length > 0);
    const n = Math.max(0, ...entries.map(([, t]) => t.length));
    const series: Series[] = entries.map(([name, t]) => ({
      name,
      values: Array.from({ length: n }, (_, i) => t[i] ?? Number.NaN),
    }));
    svgs['start-times.svg'] = lineChartSvg({
      title: `Restart: launch to the first /healthz 200 (${figures.start.source})`,
      xLabel: 'restart, in the order taken',
      yLabel: 'time to /healthz 200 (ms)',
      categories: Array.from({ length: n }, (_, i) => String(i + 1)),
      series,
    });
  }
  return svgs;
}

/** The time in a results file's name, from its first digit on (`http-rush-2026-12-02T11-52-…`). */
const stampOf = (name: string): string => name.replace(/^\D+/, '');

/** The newest file in bench/results whose name matches, with its name. */
async function newest(pattern: RegExp): Promise<{ name: string; json: unknown } | undefined> {
  const names = await readdir(results).catch(() => [] as string[]);
  const name = names
    .filter((n) => pattern.test(n))
    .sort((a, b) => stampOf(a).localeCompare(stampOf(b)))
    .at(-1);
  if (!name) return undefined;
  return { name, json: JSON.parse(await readFile(join(results, name), 'utf8')) };
}

/** The date in a results file's name (`http-2026-12-02T11-52-…json`). */
const dateOf = (name: string): string => /\d{4}-\d{2}-\d{2}/.exec(name)?.[0] ?? '?';

/** Draws every chart from the newest results (or the recorded figures) into docs/bench; returns the files. */
export async function drawPlots(): Promise<string[]> {
  const http = await newest(/^http-(rush-)?\d{4}-.*\.json$/);
  const start = await newest(/^start-\d{4}-.*\.json$/);
  const figures: Figures = {
    http: http
      ? httpFigures(http.json as HttpResults, `bench/results/${http.name}, ${dateOf(http.name)}`)
      : RECORDED.http,
    start: start
      ? {
          source: `bench/results/${start.name}, ${dateOf(start.name)}`,
          times: (start.json as { times: Record<string, number[]> }).times,
        }
      : RECORDED.start,
  };
  await mkdir(plotsDir, { recursive: true });
  const written: string[] = [];
  for (const [file, svg] of Object.entries(drawCharts(figures))) {
    await writeFile(join(plotsDir, file), `${svg}\n`);
    written.push(`docs/bench/${file}`);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = await drawPlots();
  process.stdout.write(`plots: ${written.join(', ')}\n`);
}
