/**
 * `pnpm bench [--quick] [--runs N] [--only-confirm | --only-admission | --only-waiting-list | --only-rush |
 * --only-flood | --only-export | --only-load]`:
 * the end-to-end benchmark.
 *
 * Each run starts the API as the README does (built, `node apps/api/dist/main.js`)
 * on a fresh PostgreSQL database and drives it over HTTP from a separate
 * process (bench/http/driver.ts). In the same run it measures two ceilings on
 * the same machine: the project's own confirm statements through pgbench
 * against the same server, and a bare Node HTTP server through the same
 * driver. Reports medians over the runs, ratios to the ceilings, the API's
 * peak RSS and whether the capacity invariant held.
 *
 * The flags are read in settings.ts; one-run.ts runs the scenarios (each in
 * a file of its own: hot-window, webhook-confirm, schedules, get-one,
 * admission; the rush in rush.ts, the registration flood in flood.ts, the CSV
 * export in export.ts and the load view in load.ts) and
 * summary.ts writes the tables; plots.ts draws BENCHMARKS.md's charts from the
 * results file (`pnpm bench:plots` alone redraws them).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer } from '@exam-reservation/adapters-postgres/testing';
import { admissionLines } from './admission.js';
import { type ExportReport, exportLines, exportRun } from './export.js';
import { type FloodReport, floodLines, floodLoginTimeline, floodRun } from './flood.js';
import { type LoadReport, loadLines, loadRun } from './load.js';
import { oneRun, type RunReport } from './one-run.js';
import { latencySvg } from './plot.js';
import { drawPlots } from './plots.js';
import { type RushReport, rushRun } from './rush.js';
import {
  onlyAdmission,
  onlyConfirm,
  onlyExport,
  onlyFlood,
  onlyLoad,
  onlyRush,
  onlyWaitingList,
  quick,
  runs,
} from './settings.js';
import {
  machineLine,
  runLines,
  rushSection,
  stripLoad,
  stripRushTimelines,
  stripTimeline,
} from './summary.js';
import { root, startDriver } from './support.js';
import { waitingListLines } from './waiting-list.js';

/** The scenarios that run on their own (`--only-export`, `--only-load`): a fresh database and API each. */
const exportOrLoad = onlyExport || onlyLoad;
/** No --only flag: every scenario. */
const everything = !(
  exportOrLoad ||
  onlyConfirm ||
  onlyAdmission ||
  onlyWaitingList ||
  onlyRush ||
  onlyFlood
);

async function main(): Promise<void> {
  process.stdout.write('building (tsc -b, then the start bundle)…\n');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  const server = await startTestServer();
  process.stdout.write(`PostgreSQL: ${server.source}\n`);
  const reports: RunReport[] = [];
  const rushReports: RushReport[] = [];
  const floodReports: FloodReport[] = [];
  const exportReports: ExportReport[] = [];
  const loadReports: LoadReport[] = [];
  /** Scenarios (1)–(8) of run `i`, or those an --only flag names. */
  const partsOfOneRun = async (i: number): Promise<void> => {
    if (!onlyRush && !onlyFlood) reports.push(await oneRun(server.adminUrl, i));
    if (onlyConfirm || onlyAdmission || onlyWaitingList) return;
    if (!onlyFlood) {
      process.stdout.write(`run ${i + 1}/${runs}: the registration rush…\n`);
      const driver = startDriver();
      try {
        rushReports.push(await rushRun(server.adminUrl, driver, { quick }));
      } finally {
        await driver.close();
      }
    }
    if (onlyRush) return;
    process.stdout.write(`run ${i + 1}/${runs}: the registration flood…\n`);
    const flood = await floodRun(server.adminUrl, { quick });
    process.stdout.write(
      `log-ins during the flood (sent at ms:status:ms:before:served): ${floodLoginTimeline(flood)}\n`,
    );
    floodReports.push(flood);
  };
  try {
    for (let i = 0; i < runs; i++) {
      process.stdout.write(`run ${i + 1}/${runs}…\n`);
      if (!exportOrLoad) await partsOfOneRun(i);
      if (onlyExport || everything) {
        process.stdout.write(`run ${i + 1}/${runs}: the CSV export…\n`);
        exportReports.push(await exportRun(server.adminUrl));
      }
      if (onlyLoad || everything) {
        process.stdout.write(`run ${i + 1}/${runs}: the load view…\n`);
        loadReports.push(await loadRun(server.adminUrl));
      }
    }
  } finally {
    await server.stop();
  }
  const machine = machineLine(server.source);

  /** A run of one scenario alone: its summary printed, its results written to bench/results/http-<name>-<stamp>.json. */
  const alone = async (flag: string, name: string, lines: string[], results: object): Promise<void> => {
    const summary = [machine, `Runs: ${runs}${quick ? ' (--quick)' : ''}; ${flag}.`, '', ...lines].join('\n');
    process.stdout.write(`\n${summary}\n`);
    const out = join(root, 'bench/results');
    await mkdir(out, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await writeFile(
      join(out, `http-${name}-${stamp}.json`),
      JSON.stringify({ quick, runs, ...results }, null, 2),
    );
    process.stdout.write(`\nresults: bench/results/http-${name}-${stamp}.json\n`);
  };
  if (exportOrLoad) {
    const flags = [onlyExport ? '--only-export' : '', onlyLoad ? '--only-load' : '']
      .filter(Boolean)
      .join(' ');
    const lines: string[] = [];
    if (exportReports.length > 0) lines.push(...exportLines(exportReports), '');
    if (loadReports.length > 0) lines.push(...loadLines(loadReports));
    return alone(flags, 'export-load', lines, { export: exportReports, load: loadReports.map(stripLoad) });
  }
  if (onlyRush) {
    await alone('--only-rush', 'rush', rushSection(rushReports), {
      rush: rushReports.map(stripRushTimelines),
    });
    process.stdout.write(`plots: ${(await drawPlots()).join(', ')}\n`);
    return;
  }
  if (onlyFlood) return alone('--only-flood', 'flood', floodLines(floodReports), { flood: floodReports });
  if (onlyWaitingList) {
    return alone('--only-waiting-list', 'waiting-list', waitingListLines(reports), {
      reports: reports.map(stripTimeline),
    });
  }
  if (onlyAdmission) {
    return alone('--only-admission', 'admission', admissionLines(reports.map((r) => r.admission)), {
      admission: reports.map((r) => r.admission),
    });
  }

  const lines = runLines(reports, machine);
  if (rushReports.length > 0) lines.push('', ...rushSection(rushReports));
  if (floodReports.length > 0) lines.push('', ...floodLines(floodReports));
  if (exportReports.length > 0) lines.push('', ...exportLines(exportReports));
  if (loadReports.length > 0) lines.push('', ...loadLines(loadReports));
  const summary = lines.join('\n');
  process.stdout.write(`\n${summary}\n`);

  const out = join(root, 'bench/results');
  await mkdir(out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await writeFile(
    join(out, `http-${stamp}.json`),
    JSON.stringify(
      {
        quick,
        runs,
        reports: reports.map(stripTimeline),
        rush: rushReports.map(stripRushTimelines),
        flood: floodReports,
        export: exportReports,
        load: loadReports.map(stripLoad),
      },
      null,
      2,
    ),
  );
  const last = reports[reports.length - 1]!;
  // Every request's [ms since start, latency ms] of the last run, for a closer look at the tails.
  await writeFile(
    join(out, `http-timeline-${stamp}.json`),
    JSON.stringify(Object.fromEntries(Object.entries(last.scenarios).map(([k, v]) => [k, v.timeline]))),
  );
  await writeFile(
    join(out, `http-latency${quick ? '-quick' : ''}.svg`),
    latencySvg('Latency over the run (last run)', [
      { name: 'confirm (1)', color: '#d62728', points: last.scenarios.confirm!.timeline },
      { name: 'create (2)', color: '#1f77b4', points: last.scenarios.create!.timeline },
    ]),
  );
  process.stdout.write(
    `\nresults: bench/results/http-${stamp}.json, plot: bench/results/http-latency${quick ? '-quick' : ''}.svg\n`,
  );
  // BENCHMARKS.md's charts (docs/bench/), from the file just written; `pnpm bench:plots` redraws them.
  process.stdout.write(`plots: ${(await drawPlots()).join(', ')}\n`);
}

await main();
