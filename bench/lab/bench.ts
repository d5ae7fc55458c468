/**
 * `pnpm bench:lab`: the policy lab's simulate over 1, 10 and 100
 * registration days of about 10,000 events each: 10k, 100k and 1M events
 * (BENCHMARKS.md, "Policy lab"). Each day is generateDemand's burst and tail
 * for that day's exams with hourly admissions and a last one that rejects
 * the rest, so the mix of events is the same however many days there are;
 * only the reservations kept grow. Time is the process's CPU time (user +
 * system, GC threads included), which other processes on a shared machine
 * move less than the wall clock; both are printed. Runs itself again with
 * --expose-gc to read the heap after a collection.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import {
  bookingPolicy,
  type DemandOptions,
  generateDemand,
  parseRequestTime,
  type SimulationEvent,
  simulate,
} from '@exam-reservation/domain';

if (typeof globalThis.gc !== 'function') {
  execFileSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(0);
}
const gc = globalThis.gc as () => void;

const ZONE = 'Asia/Seoul';
const DAY_MS = 86_400_000;
const policy = bookingPolicy({ capacity: 300, leadTimeDays: 3, timeZone: ZONE });
const firstOpening = parseRequestTime('2027-01-04 09:00', ZONE, 'opensAt');

/** Day `d`'s demand: registration opens at 09:00, exams four days later, 09:00–17:00. */
function day(d: number, firstId: number): DemandOptions {
  const opensAt = firstOpening + d * DAY_MS;
  const exams = opensAt + 4 * DAY_MS;
  const window = (fromHour: number, hours: number, weight: number) => ({
    start: exams + fromHour * 3_600_000,
    end: exams + (fromHour + hours) * 3_600_000,
    weight,
  });
  return {
    seed: 1000 + d,
    bookings: 9_500,
    opensAt,
    burstShare: 0.6,
    burstMinutes: 10,
    tailHours: 12,
    groupSizes: [
      { people: 1, weight: 70 },
      { people: 3, weight: 20 },
      { people: 10, weight: 10 },
    ],
    windows: [window(0, 2, 5), window(2, 2, 3), window(4, 2, 3), window(6, 2, 1)],
    cancelShare: 0.05,
    firstId,
    admission: { everyMinutes: 60, start: exams, end: exams + DAY_MS, rejectRestAtEnd: true },
  };
}

/**
 * The events of `days` consecutive registration days; `dayStarts`, if given, gets the clock
 * at the start of each day and once more at the end, as simulate reads them.
 */
function* demand(days: number, dayStarts?: number[]): Generator<SimulationEvent> {
  let creates = 0;
  for (let d = 0; d < days; d++) {
    dayStarts?.push(performance.now());
    for (const event of generateDemand(day(d, creates + 1))) {
      if (event.type === 'create') creates++;
      yield event;
    }
  }
  dayStarts?.push(performance.now());
}

interface Run {
  readonly days: number;
  readonly events: number;
  /** CPU time of the simulation, ms. */
  readonly ms: number;
  readonly wallMs: number;
  readonly generateMs: number;
  readonly reservations: number;
  readonly heapMb: number;
  /** Milliseconds each day took (generating and simulating), in order. */
  readonly dayMs: readonly number[];
}

function measure(days: number): Run {
  gc();
  let start = performance.now();
  let events = 0;
  for (const _ of demand(days)) events++;
  const generateMs = performance.now() - start;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const dayStarts: number[] = [];
  start = performance.now();
  const cpu = process.cpuUsage();
  const result = simulate(demand(days, dayStarts), policy, { refusals: 'count' });
  const used = process.cpuUsage(cpu);
  const ms = (used.user + used.system) / 1000;
  const wallMs = performance.now() - start;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const dayMs = dayStarts.slice(1).map((t, i) => t - dayStarts[i]!);
  return { days, events, ms, wallMs, generateMs, reservations: result.reservations.size, heapMb, dayMs };
}

/** Nearest-rank percentile. */
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
};
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
// Warm-up: ten days, so that every size is timed with optimised code (a cold first day costs twice as much).
measure(10);
const median = (list: Run[]): Run => list.sort((a, b) => a.ms - b.ms)[Math.floor(list.length / 2)]!;
const runs: Run[] = [];
for (const [days, tries] of [
  [1, 5],
  [10, 3],
  [100, 1],
] as const) {
  runs.push(median(Array.from({ length: tries }, () => measure(days))));
}
const perEvent = (r: Run) => (r.ms * 1000) / r.events;
const base = perEvent(runs[0]!);
console.log(
  `policy lab: simulate over 1, 10 and 100 registration days (node ${process.version}, ${cpus().length} cores)`,
);
console.log(
  '| events | CPU ms | wall ms | events/s (CPU) | µs/event (CPU) | × smallest | generating ms | reservations kept | heap kept (MB) | bytes/reservation |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of runs) {
  console.log(
    `| ${fmt(r.events)} | ${fmt(r.ms)} | ${fmt(r.wallMs)} | ${fmt(r.events / (r.ms / 1000))} | ${fmt(perEvent(r), 2)} | ${fmt(perEvent(r) / base, 2)} | ${fmt(r.generateMs)} | ${fmt(r.reservations)} | ${fmt(r.heapMb, 1)} | ${fmt((r.heapMb * 2 ** 20) / Math.max(1, r.reservations))} |`,
  );
}
const worst = Math.max(...runs.map((r) => perEvent(r) / base), ...runs.map((r) => base / perEvent(r)));
console.log(`\nlargest ratio of time per event between sizes: ${fmt(worst, 2)} (target ≤ 1.5)`);
const largest = runs[runs.length - 1]!;
const days = largest.dayMs;
console.log(
  `one day of the ${fmt(largest.days)}-day run (wall clock, generating and simulating): p50 ${fmt(percentile(days, 0.5))} ms,`,
  `p99 ${fmt(percentile(days, 0.99))} ms (p99/p50 ${fmt(percentile(days, 0.99) / percentile(days, 0.5), 2)});`,
  `last 10 days / first 10 days ${fmt(mean(days.slice(-10)) / mean(days.slice(0, 10)), 2)}`,
);
console.log(
  `reference measured in the same run: the demand generator alone, ${fmt(largest.events / (largest.generateMs / 1000))} events/s;`,
  `simulate is ${fmt(largest.generateMs / largest.ms, 3)} × its rate`,
);
