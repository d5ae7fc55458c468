import type { BookingPolicy } from '../booking-policy.js';
import { CapacityLedger } from '../capacity-ledger.js';
import { confirmedLoadDelta, type Reservation } from '../reservation.js';
import {
  type SimulatedAdmission,
  type SimulatedChange,
  type SimulationEvent,
  type SimulationOptions,
  simulate,
} from '../simulate.js';
import type { TimeRange } from '../time-range.js';
import { formatInstant } from '../time-zone.js';

/** A count of reservations and the people in them. */
export interface Tally {
  /** How many reservations (or refused bookings). */
  readonly reservations: number;
  /** The people in them. */
  readonly people: number;
}

/** What an organiser asks of a run: seats, candidates, waiting, order. */
export interface LabReport {
  /** Confirmed people per slot of the horizon at the end (slots with none left out). */
  readonly seatsPerSlot: ReadonlyMap<number, number>;
  /** Confirmed seat-slots over the horizon: the sum of {@link seatsPerSlot}. */
  readonly seatSlots: number;
  /** Capacity seat-slots over the horizon: capacity × slots. */
  readonly capacitySeatSlots: number;
  /** {@link seatSlots} / {@link capacitySeatSlots}. */
  readonly utilisation: number;
  /** Utilisation of each hour of the local day (24 values), over the horizon's days. */
  readonly utilisationByHour: readonly number[];
  /** Bookings tried: `create` events. */
  readonly bookings: Tally;
  /** Refused bookings by error code (`capacity_exceeded`, `validation_error`, …). */
  readonly refusedBookings: Readonly<Record<string, Tally>>;
  /** Confirmed at the end, by what confirmed them (`confirm`, `admit`, `waiting list`). */
  readonly confirmed: Readonly<Record<string, Tally>>;
  /** Rejected, by reason (`no capacity left`, a given reason, or `(none)`). */
  readonly rejected: Readonly<Record<string, Tally>>;
  /** Cancelled at the end (after a booking or a confirmation). */
  readonly cancelled: Tally;
  /** Still pending at the end: `no capacity` (an admission left them out) or `not considered`. */
  readonly pending: Readonly<Record<string, Tally>>;
  /** Time from booking to decision (confirmed or rejected), ms: median, 99th percentile, and how many. */
  readonly decisionMs: { readonly p50: number; readonly p99: number; readonly count: number };
  /** Left-out candidates that would have fitted at their turn while a later one was admitted, summed over admissions. */
  readonly orderViolations: number;
}

const add = (into: Record<string, Tally>, key: string, people: number): void => {
  const t = into[key] ?? { reservations: 0, people: 0 };
  into[key] = { reservations: t.reservations + 1, people: t.people + people };
};

/** A record of tallies summed: all confirmed, rejected or pending, whatever the reason. */
export function sumTallies(tallies: Readonly<Record<string, Tally>>): Tally {
  let reservations = 0;
  let people = 0;
  for (const t of Object.values(tallies)) {
    reservations += t.reservations;
    people += t.people;
  }
  return { reservations, people };
}

/** Nearest-rank percentile of sorted values (0 for none). */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * Order violations of one admission: candidates (in creation order) that
 * were left out although they fitted next to the loads and the admitted
 * ones created before them, while one created after them was admitted.
 */
export function orderViolations(
  admission: SimulatedAdmission,
  policy: Pick<BookingPolicy, 'capacity' | 'grid'>,
): number {
  const admitted = new Set(admission.admitted.map((r) => r.id));
  let last = -1;
  admission.candidates.forEach((r, i) => {
    if (admitted.has(r.id)) last = i;
  });
  const ledger = new CapacityLedger(policy.capacity, admission.loads);
  let violations = 0;
  for (let i = 0; i < last; i++) {
    const r = admission.candidates[i]!;
    const seats = confirmedLoadDelta(null, { ...r, status: 'confirmed' }, policy.grid);
    if (admitted.has(r.id)) ledger.apply(seats);
    else if (ledger.fits(seats)) violations++;
  }
  return violations;
}

/**
 * Runs `events` through {@link simulate} and reports on the run over
 * `horizon` (the slots whose seats count).
 */
export function runLab(
  events: Iterable<SimulationEvent>,
  policy: BookingPolicy,
  horizon: TimeRange,
  options: Omit<SimulationOptions, 'observer' | 'refusals'> = {},
): LabReport {
  const refusedBookings: Record<string, Tally> = {};
  const decisions: number[] = [];
  /** What confirmed, or the reason that rejected, each decided reservation. */
  const decidedBy = new Map<number, string>();
  /** Pending ones an admission left out (the ones decided since are only ever looked up while pending). */
  const leftOut = new Set<number>();
  let bookings: Tally = { reservations: 0, people: 0 };
  let violations = 0;
  const book = (people: number): void => {
    bookings = { reservations: bookings.reservations + 1, people: bookings.people + people };
  };
  const result = simulate(events, policy, {
    ...options,
    refusals: 'count',
    observer: {
      created: (r) => book(r.numberOfPeople),
      refused: ({ event, error }) => {
        if (event.type !== 'create') return;
        book(event.draft.numberOfPeople);
        add(refusedBookings, error.code, event.draft.numberOfPeople);
      },
      changed: ({ before, after, cause, reason }: SimulatedChange) => {
        if (before.status !== 'pending' || after.status === 'pending') return;
        leftOut.delete(after.id);
        if (after.status === 'cancelled') return;
        decidedBy.set(after.id, after.status === 'confirmed' ? cause : (reason ?? '(none)'));
        decisions.push(after.updatedAt - after.createdAt);
      },
      admitted: (admission) => {
        violations += orderViolations(admission, policy);
        const admitted = new Set(admission.admitted.map((r) => r.id));
        for (const r of admission.candidates) if (!admitted.has(r.id)) leftOut.add(r.id);
      },
    },
  });
  const confirmed: Record<string, Tally> = {};
  const rejected: Record<string, Tally> = {};
  const pending: Record<string, Tally> = {};
  const cancelled: Record<string, Tally> = {};
  for (const r of result.reservations.values()) tallyEnd(r);
  function tallyEnd(r: Reservation): void {
    if (r.status === 'confirmed') add(confirmed, decidedBy.get(r.id) ?? 'confirm', r.numberOfPeople);
    else if (r.status === 'rejected') add(rejected, decidedBy.get(r.id) ?? '(none)', r.numberOfPeople);
    else if (r.status === 'cancelled') add(cancelled, 'cancelled', r.numberOfPeople);
    else add(pending, leftOut.has(r.id) ? 'no capacity' : 'not considered', r.numberOfPeople);
  }
  const seats = seatsOver(result.loads, policy, horizon);
  const sorted = Float64Array.from(decisions).sort();
  return {
    ...seats,
    bookings,
    refusedBookings,
    confirmed,
    rejected,
    cancelled: sumTallies(cancelled),
    pending,
    decisionMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), count: sorted.length },
    orderViolations: violations,
  };
}

/** Seats used per slot, in all and per local hour, over the horizon's slots. */
function seatsOver(loads: ReadonlyMap<number, number>, policy: BookingPolicy, horizon: TimeRange) {
  const seatsPerSlot = new Map<number, number>();
  const byHour = Array.from({ length: 24 }, () => ({ seats: 0, slots: 0 }));
  let seatSlots = 0;
  let slots = 0;
  for (const slot of policy.grid.slotsOf(horizon)) {
    const load = loads.get(slot) ?? 0;
    const hour = byHour[Number(formatInstant(slot, policy.timeZone).slice(11, 13))]!;
    hour.seats += load;
    hour.slots++;
    slots++;
    seatSlots += load;
    if (load > 0) seatsPerSlot.set(slot, load);
  }
  const capacitySeatSlots = slots * policy.capacity;
  return {
    seatsPerSlot,
    seatSlots,
    capacitySeatSlots,
    utilisation: capacitySeatSlots > 0 ? seatSlots / capacitySeatSlots : 0,
    utilisationByHour: byHour.map((h) => (h.slots > 0 ? h.seats / (h.slots * policy.capacity) : 0)),
  };
}
