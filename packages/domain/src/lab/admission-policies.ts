import { type AdmissionDecision, type AdmissionRule, admit } from '../admission.js';
import type { SlotLoads } from '../capacity.js';
import { CapacityLedger } from '../capacity-ledger.js';
import { confirmedLoadDelta, type Reservation } from '../reservation.js';
import type { SlotGrid } from '../slot-grid.js';

/** The people a candidate would add to each of its slots once confirmed. */
const seatsOf = (candidate: Reservation, grid: SlotGrid) =>
  confirmedLoadDelta(null, { ...candidate, status: 'confirmed' }, grid);

/**
 * First come, first served: the service's own rule, {@link admit}, as a
 * value. Law: no candidate is left out while a later one is admitted if it
 * would have fitted at its turn.
 */
export const fifo: AdmissionRule = admit;

/**
 * Smallest group first: the candidates by people, fewest first (creation
 * order among equals), each admitted while it fits, through the one rule
 * {@link admit}. Law: a left-out candidate did not fit next to the loads and
 * every admitted one that is smaller than it, or as small and older.
 */
export const smallestFirst: AdmissionRule = (loads, candidates, capacity, grid) =>
  admit(
    loads,
    [...candidates].sort((a, b) => a.numberOfPeople - b.numberOfPeople),
    capacity,
    grid,
  );

/**
 * Best fit by people: at each turn, of the candidates that still fit, the
 * one that leaves the least room in its fullest slot is admitted (creation
 * order among equals), until none fits. Law: each admitted one, at its turn,
 * left no more room than any other candidate that fitted then.
 */
export const bestFit: AdmissionRule = (
  loads: SlotLoads,
  candidates: readonly Reservation[],
  capacity: number,
  grid: SlotGrid,
): AdmissionDecision => {
  const ledger = new CapacityLedger(capacity, loads);
  const admitted: Reservation[] = [];
  const leftOut: Reservation[] = [];
  // Loads only grow, so a candidate that does not fit now never will: it leaves the race at once.
  let open = candidates.map((candidate) => ({ candidate, seats: seatsOf(candidate, grid) }));
  for (;;) {
    let best: (typeof open)[number] | undefined;
    let bestRoom = Number.POSITIVE_INFINITY;
    const stillOpen: typeof open = [];
    for (const entry of open) {
      if (entry.candidate.status !== 'pending') {
        throw new RangeError(`admission candidate ${entry.candidate.id} is ${entry.candidate.status}, not pending`);
      }
      if (ledger.overflowOf(entry.seats)) {
        leftOut.push(entry.candidate);
        continue;
      }
      stillOpen.push(entry);
      let room = Number.POSITIVE_INFINITY;
      for (const { slotStart, delta } of entry.seats) {
        room = Math.min(room, capacity - ledger.load(slotStart) - delta);
      }
      if (room < bestRoom) {
        best = entry;
        bestRoom = room;
      }
    }
    if (!best) break;
    ledger.apply(best.seats);
    admitted.push(best.candidate);
    open = stillOpen.filter((entry) => entry !== best);
  }
  return { admitted, leftOut, loads: ledger.snapshot() };
};

/** The admission rules the lab compares, by the name a scenario file uses. */
export const ADMISSION_POLICIES = {
  fifo,
  smallestFirst,
  bestFit,
} as const satisfies Record<string, AdmissionRule>;

/** A name of {@link ADMISSION_POLICIES}. */
export type AdmissionPolicyName = keyof typeof ADMISSION_POLICIES;
