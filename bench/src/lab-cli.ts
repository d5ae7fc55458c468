import {
  type Comparison,
  comparisonBreakdown,
  comparisonTable,
  readScenarioFile,
  runScenario,
  ValidationError,
} from '@exam-reservation/domain';
import { lineChartSvg } from './charts.js';

/** What the simulate command touches: files and the two output streams. */
export interface CliIo {
  /** The file's text, or its first `maxBytes + 1` bytes' when it is longer (never more in memory). */
  read(path: string, maxBytes: number): Promise<string>;
  write(path: string, text: string): Promise<void>;
  /** Where the chart goes without --out. */
  chartPathFor(scenario: string): string;
  /** The absolute path that a path given on the command line names. */
  where(path: string): string;
  out(text: string): void;
  err(text: string): void;
}

const USAGE = 'usage: pnpm simulate SCENARIO.json [--out CHART.svg]';
/** The example scenarios are a few kilobytes; the limits (packages/domain/README.md) keep any valid one far below. */
const MAX_SCENARIO_BYTES = 1024 * 1024;

/** The command: 0 when the comparison ran, 2 for a usage or scenario problem (told on `err`, no stack). */
export async function runSimulateCli(args: readonly string[], io: CliIo): Promise<number> {
  const outAt = args.indexOf('--out');
  const chartPath = outAt >= 0 ? args[outAt + 1] : undefined;
  const rest = args.filter((_, i) => outAt < 0 || (i !== outAt && i !== outAt + 1));
  if (rest.length !== 1 || rest[0]!.startsWith('-') || (outAt >= 0 && !chartPath)) {
    io.err(USAGE);
    return 2;
  }
  const path = rest[0]!;
  if (chartPath !== undefined && io.where(chartPath) === io.where(path)) {
    io.err(`${chartPath}: is the scenario itself; --out names the chart (.svg)`);
    return 2;
  }
  let text: string;
  try {
    text = await io.read(path, MAX_SCENARIO_BYTES);
  } catch (error) {
    io.err(`${path}: cannot read it (${errorCode(error)})`);
    return 2;
  }
  if (Buffer.byteLength(text) > MAX_SCENARIO_BYTES) {
    io.err(
      `${path}: larger than 1 MiB, which no scenario needs (see the limits in packages/domain/README.md)`,
    );
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    io.err(`${path} is not JSON: ${(error as Error).message}`);
    return 2;
  }
  let comparison: Comparison;
  try {
    comparison = runScenario(readScenarioFile(json));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    io.err(`${path} is not a valid scenario:`);
    for (const e of error.errors) io.err(`  ${e.path || '(the file)'}: ${e.message}`);
    return 2;
  }
  io.out(`# ${comparison.name}\n`);
  io.out(comparisonTable(comparison));
  io.out('');
  io.out(comparisonBreakdown(comparison));
  const svg = utilisationChart(comparison);
  const target = chartPath ?? io.chartPathFor(path);
  try {
    await io.write(target, svg);
  } catch (error) {
    io.err(`${target}: cannot write the chart there (${errorCode(error)})`);
    return 2;
  }
  io.out(`\nchart: ${target}`);
  return 0;
}

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);

/** Utilisation of each local hour over the horizon's days, one line per variant. */
export function utilisationChart(comparison: Comparison): string {
  return lineChartSvg({
    title: `${comparison.name}: utilisation over the day`,
    xLabel: 'hour of the day (local time)',
    yLabel: 'seats used (% of capacity)',
    categories: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')),
    series: comparison.runs.map(({ variant, report }) => ({
      name: variant.name,
      values: report.utilisationByHour.map((u) => Number((u * 100).toFixed(2))),
    })),
  });
}
