/** What `pnpm bench` prints and keeps of its runs. */
import { cpus, totalmem } from 'node:os';
import { admissionLines } from './admission.js';
import type { JobResult } from './driver.js';
import type { LoadReport } from './load.js';
import type { RunReport } from './one-run.js';
import type { RushReport } from './rush.js';
import { rushLines } from './rush-report.js';
import { CAPACITY, HOT_PEOPLE, HOT_RESERVATIONS, onlyConfirm, quick, runs } from './settings.js';
import { percentile } from './stats.js';
import { webhookConfirmLines } from './webhook-confirm.js';

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return percentile(sorted, 50);
};

/** The machine and the PostgreSQL server the figures were measured on. */
export function machineLine(source: string): string {
  return `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; PostgreSQL: ${source}`;
}

/** The registration rush's section. */
export function rushSection(rushReports: readonly RushReport[]): string[] {
  return [
    `(6) The registration rush: ${quick ? 300 : 2_000} candidate accounts, 64 requests in flight; one API process, ` +
      'then two behind HAProxy reaching PostgreSQL through PgBouncer (transaction pooling), each on a fresh database; ' +
      'medians over the runs, ratios to the ceilings measured in the same run.',
    '',
    ...rushLines(rushReports, median),
  ];
}

/** The summary of the runs of scenarios (1) to (5): medians, ratios to the ceilings, each run beside its ceilings. */
export function runLines(reports: readonly RunReport[], machine: string): string[] {
  const names: [string, string][] = [
    ['confirm', `(1) confirm, hot window, ${HOT_RESERVATIONS} × ${HOT_PEOPLE} people, 64 in flight`],
    ['create', '(2) create reservation, 32 in flight'],
    ['schedules', '(3) GET schedules over 180 days, 8 in flight'],
    ['schedulesAlone', '(3) GET schedules over 180 days, 1 in flight'],
    ['getOne', '(4) GET /reservations/{id}, 32 in flight'],
  ];
  const m = (pick: (r: RunReport) => number): number => median(reports.map(pick));
  const pgbenchTps = m((r) => r.pgbench.tps);
  const bareTps = m((r) => r.bare.throughput);
  const lines: string[] = [];
  lines.push(machine);
  lines.push(`Runs: ${runs}${quick ? ' (--quick)' : ''}; figures are medians over the runs.`);
  lines.push('');
  lines.push('| scenario | req/s | p50 ms | p99 ms | errors | ratio to ceiling |');
  lines.push('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const [key, label] of names) {
    if (onlyConfirm && key !== 'confirm' && key !== 'create') continue;
    const tps = m((r) => r.scenarios[key]!.throughput);
    const ratio = onlyConfirm
      ? '–'
      : key === 'confirm'
        ? `${(tps / pgbenchTps).toFixed(2)} of pgbench confirm`
        : `${(tps / bareTps).toFixed(2)} of bare HTTP`;
    lines.push(
      `| ${label} | ${tps.toFixed(0)} | ${m((r) => r.scenarios[key]!.p50).toFixed(2)} | ${m((r) => r.scenarios[key]!.p99).toFixed(2)} | ${m((r) => r.scenarios[key]!.errors)} | ${ratio} |`,
    );
  }
  lines.push(
    `| ceiling: pgbench, the project's confirm statements, 64 clients | ${pgbenchTps.toFixed(0)} | ${m((r) => r.pgbench.latencyMs).toFixed(2)} (avg) | – | ${m((r) => r.pgbench.failed)} | – |`,
  );
  lines.push(
    `| ceiling: bare Node HTTP server, fixed JSON, 32 in flight | ${bareTps.toFixed(0)} | ${m((r) => r.bare.p50).toFixed(2)} | ${m((r) => r.bare.p99).toFixed(2)} | ${m((r) => r.bare.errors)} | – |`,
  );
  lines.push('');
  lines.push(
    `API peak RSS (VmHWM): ${m((r) => r.peakRssMb).toFixed(0)} MB (max over runs ${Math.max(...reports.map((r) => r.peakRssMb)).toFixed(0)} MB)`,
  );
  lines.push(
    `Invariant (sum per slot from the reservations table ≤ ${CAPACITY}) held in every run: ${reports.every((r) => r.invariantHeld) ? 'yes' : 'NO'}; hot-window confirmations accepted: ${reports.map((r) => r.confirmedInHotWindow).join(', ')} of ${HOT_RESERVATIONS}`,
  );
  if (onlyConfirm)
    lines.splice(lines.length - 5, 5); // no ceilings, RSS or invariant in a partial run
  else {
    // Each run on its own, beside the ceilings measured in it: how fast the shared machine was.
    lines.push('');
    lines.push(
      '| run | (1) req/s | (1) p50 ms | (1) p99 ms | (3) 1 in flight p50 ms | pgbench tps | bare HTTP req/s | peak RSS MB |',
    );
    lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    reports.forEach((r, i) => {
      const c = r.scenarios.confirm!;
      lines.push(
        `| ${i + 1} | ${c.throughput.toFixed(0)} | ${c.p50.toFixed(1)} | ${c.p99.toFixed(1)} | ${r.scenarios.schedulesAlone!.p50.toFixed(1)} | ${r.pgbench.tps.toFixed(0)} | ${r.bare.throughput.toFixed(0)} | ${r.peakRssMb.toFixed(0)} |`,
      );
    });
  }
  lines.push(
    ...webhookConfirmLines(
      reports.map((r) => r.webhookConfirm),
      pgbenchTps,
      median,
    ),
  );
  if (!onlyConfirm) lines.push('', ...admissionLines(reports.map((r) => r.admission)));
  return lines;
}

/** A job's result without its per-request timeline (kept in a file of its own). */
const strip = (r: JobResult) => ({ ...r, timeline: undefined });

export function stripRushTimelines(report: RushReport): unknown {
  const scenarios = (s: RushReport['single']) => ({
    ...s,
    create: strip(s.create),
    schedules: strip(s.schedules),
    mixed: strip(s.mixed),
    // The recorded answer stays; the requests carry the benchmark's tokens and add nothing.
    scheduleReplay: { answer: s.scheduleReplay.answer, requests: s.scheduleReplay.requests.length },
  });
  return {
    ...report,
    single: scenarios(report.single),
    scaled: scenarios(report.scaled),
    bare: strip(report.bare),
    bareReplay: strip(report.bareReplay),
    bareBalanced: strip(report.bareBalanced),
  };
}

export function stripTimeline(report: RunReport): unknown {
  return {
    ...report,
    bare: strip(report.bare),
    scenarios: Object.fromEntries(Object.entries(report.scenarios).map(([k, v]) => [k, strip(v)])),
    webhookConfirm: report.webhookConfirm && {
      windows: report.webhookConfirm.windows.map((w) => ({
        ...w,
        before: strip(w.before),
        with: strip(w.with),
        after: strip(w.after),
      })),
    },
  };
}

export function stripLoad(report: LoadReport): unknown {
  return {
    ...report,
    phases: report.phases.map((p) => ({ ...p, schedules: strip(p.schedules), load: strip(p.load) })),
  };
}
