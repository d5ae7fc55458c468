import { bookingPolicy, policyDateRange } from '../booking-policy.js';
import { DomainError, ValidationError } from '../errors.js';
import type { TimeRange } from '../time-range.js';
import { parseRequestTime } from '../time-zone.js';
import { ADMISSION_POLICIES } from './admission-policies.js';
import { type DemandOptions, generateDemand } from './demand.js';
import { type LabReport, runLab, sumTallies } from './report.js';
import type { ScenarioFile } from './scenario-schema.js';

/** One policy's run in a {@link Comparison}. */
export interface VariantRun {
  /** The variant as the scenario names and sets it. */
  readonly variant: ScenarioFile['variants'][number];
  /** What the run did. */
  readonly report: LabReport;
}

/** Several policies run on the same demand. */
export interface Comparison {
  /** The scenario's name. */
  readonly name: string;
  /** The slots whose seats count. */
  readonly horizon: TimeRange;
  /** The demand every variant was given. */
  readonly demand: DemandOptions;
  /** One run per variant, in the file's order. */
  readonly runs: readonly VariantRun[];
}

/** Reads a value with a domain rule, turning a refusal into a problem at `path`. */
function at<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(error.errors.map((e) => ({ path, message: e.message })));
    }
    if (error instanceof RangeError || error instanceof DomainError)
      throw ValidationError.of(path, error.message);
    throw error;
  }
}

/**
 * Runs every variant of a checked scenario on the same generated demand
 * (same seed, same events) and reports each.
 * @throws ValidationError for a zone, a date or a time the domain refuses
 */
export function runScenario(file: ScenarioFile): Comparison {
  const zone = file.timeZone;
  const base = at('timeZone', () => bookingPolicy({ timeZone: zone }));
  const horizon = at('horizon', () => policyDateRange(file.horizon.startDate, file.horizon.endDate, base));
  const local = (text: string, path: string): number => at(path, () => parseRequestTime(text, zone, path));
  const d = file.demand;
  const demand: DemandOptions = {
    seed: d.seed,
    bookings: d.bookings,
    opensAt: local(d.opensAt, 'demand.opensAt'),
    burstShare: d.burstShare,
    burstMinutes: d.burstMinutes,
    tailHours: d.tailHours,
    groupSizes: d.groupSizes,
    windows: d.windows.map((w, i) => ({
      start: local(w.start, `demand.windows[${i}].start`),
      end: local(w.end, `demand.windows[${i}].end`),
      weight: w.weight,
    })),
    cancelShare: d.cancelShare,
    admission: d.admission && { ...d.admission, start: horizon.start, end: horizon.end },
  };
  const runs = file.variants.map((variant, i) => {
    const policy = at(`variants[${i}]`, () =>
      bookingPolicy({ timeZone: zone, capacity: variant.capacity, leadTimeDays: variant.leadTimeDays }),
    );
    const report = runLab(generateDemand(demand), policy, horizon, {
      admission: ADMISSION_POLICIES[variant.admission],
      autoAdmit: variant.autoAdmit,
      autoAdmitDelayMs: variant.autoAdmitDelayMs,
    });
    return { variant, report };
  });
  return { name: file.name, horizon, demand, runs };
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const count = (n: number): string => n.toLocaleString('en-US');
const tally = (t: { reservations: number; people: number }): string =>
  `${count(t.people)} (${count(t.reservations)})`;
const duration = (ms: number): string =>
  ms < 2 * 3_600_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 3_600_000).toFixed(1)} h`;

/** The columns of {@link comparisonTable}, each a heading and how a run fills it. */
const COLUMNS: readonly (readonly [string, (run: VariantRun) => string])[] = [
  ['variant', (r) => r.variant.name],
  ['capacity', (r) => count(r.variant.capacity)],
  ['lead', (r) => `${r.variant.leadTimeDays} d`],
  ['admission', (r) => r.variant.admission],
  ['waiting list', (r) => (r.variant.autoAdmit === 'off' ? 'off' : `fifo +${r.variant.autoAdmitDelayMs} ms`)],
  ['utilisation', (r) => percent(r.report.utilisation)],
  ['seat-slots', (r) => count(r.report.seatSlots)],
  ['confirmed', (r) => tally(sumTallies(r.report.confirmed))],
  ['rejected', (r) => tally(sumTallies(r.report.rejected))],
  ['refused', (r) => tally(sumTallies(r.report.refusedBookings))],
  ['pending', (r) => tally(sumTallies(r.report.pending))],
  ['decided p50', (r) => duration(r.report.decisionMs.p50)],
  ['decided p99', (r) => duration(r.report.decisionMs.p99)],
  ['order violations', (r) => count(r.report.orderViolations)],
];

/**
 * The comparison as a Markdown table, a row per variant: people (and
 * reservations) confirmed, rejected, refused at booking and left pending,
 * seats used, utilisation, time from booking to decision, order violations.
 */
export function comparisonTable(comparison: Comparison): string {
  const rows = [
    COLUMNS.map(([heading]) => heading),
    ...comparison.runs.map((run) => COLUMNS.map(([, cell]) => cell(run))),
  ];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

const tallies = (record: Readonly<Record<string, { reservations: number; people: number }>>): string =>
  Object.entries(record)
    .map(([reason, t]) => `${reason} ${count(t.people)} people (${count(t.reservations)})`)
    .join(', ') || 'none';

/**
 * Each run's outcome by reason, a few lines per variant: bookings refused
 * by error code, confirmed by what confirmed them, rejected by reason, left
 * pending by why.
 */
export function comparisonBreakdown(comparison: Comparison): string {
  return comparison.runs
    .map(({ variant, report }) =>
      [
        `${variant.name}: ${count(report.bookings.people)} people in ${count(report.bookings.reservations)} bookings`,
        `  refused at booking: ${tallies(report.refusedBookings)}`,
        `  confirmed by: ${tallies(report.confirmed)}`,
        `  rejected: ${tallies(report.rejected)}`,
        `  cancelled: ${count(report.cancelled.people)} people (${count(report.cancelled.reservations)})`,
        `  pending: ${tallies(report.pending)}`,
      ].join('\n'),
    )
    .join('\n');
}
