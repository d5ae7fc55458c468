import type { RushReport } from './rush.js';

/** The rush's part of BENCHMARKS.md: medians over the runs, ratios to the ceilings of each run. */
export function rushLines(reports: readonly RushReport[], median: (values: number[]) => number): string[] {
  const m = (pick: (r: RushReport) => number) => median(reports.map(pick));
  const lines: string[] = [];
  lines.push(
    '| scenario, 64 in flight | topology | req/s | p50 ms | p99 ms | p99/p50 | errors | ratio to its ceiling (median of per-run ratios) |',
  );
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const rows: [string, 'create' | 'schedules' | 'mixed', string][] = [
    ['create', 'create', 'pgbench create'],
    ['7-day schedules', 'schedules', 'bare HTTP'],
    ['mixed visit: schedule → create → own list', 'mixed', 'bare HTTP'],
  ];
  for (const [label, key, ceilingName] of rows) {
    for (const topology of ['single', 'scaled'] as const) {
      const pick = (r: RushReport) => r[topology][key];
      const ceiling = (r: RushReport) =>
        key === 'create'
          ? r.pgbenchCreate.tps
          : topology === 'single'
            ? r.bare.throughput
            : r.bareBalanced.throughput;
      lines.push(
        `| ${label} | ${topology === 'single' ? '1 API' : '2 APIs, HAProxy, PgBouncer'} | ${m((r) => pick(r).throughput).toFixed(0)} | ${m((r) => pick(r).p50).toFixed(1)} | ${m((r) => pick(r).p99).toFixed(1)} | ${m((r) => pick(r).p99 / pick(r).p50).toFixed(2)} | ${m((r) => pick(r).errors)} | ${m((r) => pick(r).throughput / ceiling(r)).toFixed(2)} of ${topology === 'scaled' && key !== 'create' ? 'bare HTTP behind HAProxy' : ceilingName}${key === 'create' ? `; **${m((r) => pick(r).throughput / r.pgbenchCreateLean.tps).toFixed(2)}** of the lean ceiling` : ''}${key === 'schedules' && topology === 'single' ? `; **${m((r) => pick(r).throughput / r.bareReplay.throughput).toFixed(2)}** of bare HTTP sending the API's answer` : ''} |`,
      );
    }
  }
  lines.push(
    `| ceiling: pgbench, the adapter's statements for one booking per transaction, 64 clients | – | ${m((r) => r.pgbenchCreate.tps).toFixed(0)} | ${m((r) => r.pgbenchCreate.latencyMs).toFixed(1)} (avg) | – | – | ${m((r) => r.pgbenchCreate.failed)} | – |`,
  );
  lines.push(
    `| ceiling (lean): pgbench, the reservation and its audit row in one statement, one booking per transaction, 64 clients | – | ${m((r) => r.pgbenchCreateLean.tps).toFixed(0)} | ${m((r) => r.pgbenchCreateLean.latencyMs).toFixed(1)} (avg) | – | – | ${m((r) => r.pgbenchCreateLean.failed)} | – |`,
  );
  lines.push(
    `| ceiling: bare Node HTTP server | direct | ${m((r) => r.bare.throughput).toFixed(0)} | ${m((r) => r.bare.p50).toFixed(1)} | ${m((r) => r.bare.p99).toFixed(1)} | ${m((r) => r.bare.p99 / r.bare.p50).toFixed(2)} | ${m((r) => r.bare.errors)} | – |`,
  );
  lines.push(
    `| ceiling: bare Node HTTP server sending the API's schedule answer (its header lines and body) to the schedule requests | direct | ${m((r) => r.bareReplay.throughput).toFixed(0)} | ${m((r) => r.bareReplay.p50).toFixed(1)} | ${m((r) => r.bareReplay.p99).toFixed(1)} | ${m((r) => r.bareReplay.p99 / r.bareReplay.p50).toFixed(2)} | ${m((r) => r.bareReplay.errors)} | – |`,
  );
  lines.push(
    `| ceiling: two bare Node HTTP servers | behind HAProxy | ${m((r) => r.bareBalanced.throughput).toFixed(0)} | ${m((r) => r.bareBalanced.p50).toFixed(1)} | ${m((r) => r.bareBalanced.p99).toFixed(1)} | ${m((r) => r.bareBalanced.p99 / r.bareBalanced.p50).toFixed(2)} | ${m((r) => r.bareBalanced.errors)} | – |`,
  );
  lines.push('');
  lines.push(
    `API peak RSS (VmHWM): one API ${m((r) => Math.max(...r.single.peakRssMb)).toFixed(0)} MB; two APIs ${m((r) => Math.max(...r.scaled.peakRssMb)).toFixed(0)} MB each at most (max over runs ${Math.max(...reports.flatMap((r) => [...r.single.peakRssMb, ...r.scaled.peakRssMb])).toFixed(0)} MB). Invariant held in every run: ${reports.every((r) => r.invariantHeld) ? 'yes' : 'NO'}.`,
  );
  lines.push('');
  lines.push(
    '| run | create req/s (1 API) | create p99/p50 | pgbench create tps | create ratio | lean ceiling tps | create ratio to lean | schedules req/s (1 API) | schedules p99/p50 | bare HTTP req/s | schedules ratio | bare sending the API’s answer req/s | schedules ratio to it | create req/s (2 APIs) | schedules req/s (2 APIs) | bare behind HAProxy |',
  );
  lines.push(
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  reports.forEach((r, i) => {
    lines.push(
      `| ${i + 1} | ${r.single.create.throughput.toFixed(0)} | ${(r.single.create.p99 / r.single.create.p50).toFixed(2)} | ${r.pgbenchCreate.tps.toFixed(0)} | ${(r.single.create.throughput / r.pgbenchCreate.tps).toFixed(2)} | ${r.pgbenchCreateLean.tps.toFixed(0)} | ${(r.single.create.throughput / r.pgbenchCreateLean.tps).toFixed(2)} | ${r.single.schedules.throughput.toFixed(0)} | ${(r.single.schedules.p99 / r.single.schedules.p50).toFixed(2)} | ${r.bare.throughput.toFixed(0)} | ${(r.single.schedules.throughput / r.bare.throughput).toFixed(2)} | ${r.bareReplay.throughput.toFixed(0)} | ${(r.single.schedules.throughput / r.bareReplay.throughput).toFixed(2)} | ${r.scaled.create.throughput.toFixed(0)} | ${r.scaled.schedules.throughput.toFixed(0)} | ${r.bareBalanced.throughput.toFixed(0)} |`,
    );
  });
  return lines;
}
