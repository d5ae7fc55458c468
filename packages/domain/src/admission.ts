import type { BookingPolicy } from './booking-policy.js';
import type { SlotLoads } from './capacity.js';
import { CapacityLedger } from './capacity-ledger.js';
import {
  type Actor,
  assertAdmin,
  confirm,
  confirmedLoadDelta,
  type Reservation,
  reject,
  type Transition,
} from './reservation.js';
import type { SlotGrid } from './slot-grid.js';

/** The reason recorded for a reservation that admission rejects. */
export const NO_CAPACITY_LEFT = 'no capacity left';

/** What {@link admit} decided. */
export interface AdmissionDecision {
  /** The candidates that fit, in the order given. */
  readonly admitted: readonly Reservation[];
  /** The candidates that did not fit at their turn, in the order given. */
  readonly leftOut: readonly Reservation[];
  /** The loads given, with the admitted candidates' people added. */
  readonly loads: SlotLoads;
}

/**
 * First come, first served: takes the pending candidates in the order given
 * (their creation order) and admits each one whose confirmation still fits
 * next to the loads and everyone admitted before it; one that does not fit
 * is left out and does not stop later, smaller ones. The check is the
 * domain's {@link CapacityLedger} over {@link confirmedLoadDelta}, the same
 * one every confirmation goes through.
 * @param loads confirmed people per slot before any candidate (absent: 0)
 * @throws RangeError for a candidate that is not pending
 */
export function admit(
  loads: SlotLoads,
  candidates: readonly Reservation[],
  capacity: number,
  grid: SlotGrid,
): AdmissionDecision {
  const ledger = new CapacityLedger(capacity, loads);
  const admitted: Reservation[] = [];
  const leftOut: Reservation[] = [];
  for (const candidate of candidates) {
    if (candidate.status !== 'pending') {
      throw new RangeError(`admission candidate ${candidate.id} is ${candidate.status}, not pending`);
    }
    const seats = confirmedLoadDelta(null, { ...candidate, status: 'confirmed' }, grid);
    if (!ledger.fits(seats)) {
      leftOut.push(candidate);
      continue;
    }
    ledger.apply(seats);
    admitted.push(candidate);
  }
  return { admitted, leftOut, loads: ledger.snapshot() };
}

/**
 * How an admission chooses among its pending candidates: given the loads and
 * the candidates (in creation order), which are admitted and which left out,
 * never passing `capacity`. {@link admit} (first come, first served) is the
 * service's; the policy lab compares others of the same shape.
 */
export type AdmissionRule = (
  loads: SlotLoads,
  candidates: readonly Reservation[],
  capacity: number,
  grid: SlotGrid,
) => AdmissionDecision;

/** The transitions one admission run makes. */
export interface Admission {
  /** pending → confirmed, in creation order. */
  readonly confirmed: readonly Transition[];
  /** pending → rejected (only with `rejectRest`), in creation order. */
  readonly rejected: readonly Transition[];
  /** Candidates that did not fit and stay pending. */
  readonly leftPending: readonly Reservation[];
}

/**
 * An admin's admission of `candidates` (pending, in creation order) against
 * `loads`: {@link admit} decides, every admitted one is confirmed, and the
 * rest are rejected with {@link NO_CAPACITY_LEFT} when `rejectRest` is set,
 * else left pending. `rule` is the service's {@link admit} unless a
 * simulation tries another.
 * @throws ForbiddenError for a non-admin, before anything else
 */
export function admitFirstComeFirstServed(
  actor: Actor,
  loads: SlotLoads,
  candidates: readonly Reservation[],
  policy: Pick<BookingPolicy, 'capacity' | 'grid'>,
  now: number,
  options: { readonly rejectRest: boolean },
  rule: AdmissionRule = admit,
): Admission {
  assertAdmin(actor, 'admit reservations');
  const decision = rule(loads, candidates, policy.capacity, policy.grid);
  const confirmed = decision.admitted.map((r) => confirm(actor, r, now));
  if (!options.rejectRest) return { confirmed, rejected: [], leftPending: decision.leftOut };
  const rejected = decision.leftOut.map((r) => reject(actor, r, now, NO_CAPACITY_LEFT));
  return { confirmed, rejected, leftPending: [] };
}
