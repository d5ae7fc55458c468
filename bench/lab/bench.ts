/**
 * `pnpm bench:lab`: the policy lab's simulate over 1, 10 and 100
 * registration days of about 10,000 events each: 10k, 100k and 1M events
 * (BENCHMARKS.md, "Policy lab"). Each day is generateDemand's burst and tail
 * for that day's exams with hourly admissions and a last one that rejects
 * the rest, so the mix of events is the same however many days there are;
 * only the reservations kept grow. Runs itself again with --expose-gc to
 * read the heap after a collection.
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

/** The events of `days` consecutive registration days. */
function* demand(days: number): Generator<SimulationEvent> {
  let creates = 0;
  for (let d = 0; d < days; d++) {
    for (const event of generateDemand(day(d, creates + 1))) {
      if (event.type === 'create') creates++;
      yield event;
    }
  }
}

interface Run {
  readonly events: number;
  readonly ms: number;
  readonly generateMs: number;
  readonly reservations: number;
  readonly heapMb: number;
}

function measure(days: number): Run {
  gc();
  let start = performance.now();
  let events = 0;
  for (const _ of demand(days)) events++;
  const generateMs = performance.now() - start;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  start = performance.now();
  const result = simulate(demand(days), policy, { refusals: 'count' });
  const ms = performance.now() - start;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  return { events, ms, generateMs, reservations: result.reservations.size, heapMb };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
measure(1); // warm-up: the longer runs use compiled code too
const runs: Run[] = [];
for (const days of [1, 10, 100]) {
  // The best of three for the small sizes (the machine is shared), two for the largest.
  const tries = days >= 100 ? 2 : 3;
  runs.push(Array.from({ length: tries }, () => measure(days)).sort((a, b) => a.ms - b.ms)[0]!);
}
const perEvent = (r: Run) => (r.ms * 1000) / r.events;
const base = perEvent(runs[0]!);
console.log(
  `policy lab: simulate over 1, 10 and 100 registration days (node ${process.version}, ${cpus().length} cores)`,
);
console.log(
  '| events | simulate ms | events/s | µs/event | × smallest | generating ms | reservations kept | heap kept (MB) | bytes/reservation |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of runs) {
  console.log(
    `| ${fmt(r.events)} | ${fmt(r.ms)} | ${fmt(r.events / (r.ms / 1000))} | ${fmt(perEvent(r), 2)} | ${fmt(perEvent(r) / base, 2)} | ${fmt(r.generateMs)} | ${fmt(r.reservations)} | ${fmt(r.heapMb, 1)} | ${fmt((r.heapMb * 2 ** 20) / Math.max(1, r.reservations))} |`,
  );
}
const worst = Math.max(...runs.map((r) => perEvent(r) / base), ...runs.map((r) => base / perEvent(r)));
console.log(`\nlargest ratio of time per event between sizes: ${fmt(worst, 2)} (target ≤ 1.5)`);
