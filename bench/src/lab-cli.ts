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
  read(path: string): Promise<string>;
  write(path: string, text: string): Promise<void>;
  /** Where the chart goes without --out. */
  chartPathFor(scenario: string): string;
  out(text: string): void;
  err(text: string): void;
}

const USAGE = 'usage: pnpm simulate SCENARIO.json [--out CHART.svg]';

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
  let text: string;
  try {
    text = await io.read(path);
  } catch (error) {
    io.err(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
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
  await io.write(target, svg);
  io.out(`\nchart: ${target}`);
  return 0;
}

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
