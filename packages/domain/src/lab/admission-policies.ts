import { type AdmissionDecision, type AdmissionRule, admit } from '../admission.js';
import type { SlotLoads } from '../capacity.js';
import { CapacityLedger } from '../capacity-ledger.js';
import { confirmedLoadDelta, type Reservation, rangeOf } from '../reservation.js';
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

/** Best fit's candidates of one range: its slots, and its queue, largest group first. */
interface RangeQueue {
  readonly slots: readonly number[];
  readonly queue: { readonly r: Reservation; readonly order: number }[];
  next: number;
}

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
  // Candidates of one range compete on people alone: the largest that fits leaves the least
  // room. So each range keeps its queue, largest first; room only shrinks, so a candidate
  // passed over for not fitting never fits later and leaves at once.
  const ranges = new Map<string, RangeQueue>();
  candidates.forEach((r, order) => {
    if (r.status !== 'pending')
      throw new RangeError(`admission candidate ${r.id} is ${r.status}, not pending`);
    const key = `${r.start}/${r.end}`;
    let range = ranges.get(key);
    if (!range) {
      range = { slots: grid.slotsOf(rangeOf(r)), queue: [], next: 0 };
      ranges.set(key, range);
    }
    range.queue.push({ r, order });
  });
  for (const range of ranges.values()) range.queue.sort((a, b) => b.r.numberOfPeople - a.r.numberOfPeople);
  for (;;) {
    let best: { range: RangeQueue; room: number } | undefined;
    for (const range of ranges.values()) {
      while (range.next < range.queue.length && !ledger.fits(seatsOf(range.queue[range.next]!.r, grid))) {
        leftOut.push(range.queue[range.next++]!.r);
      }
      const head = range.queue[range.next];
      if (!head) continue;
      let free = Number.POSITIVE_INFINITY;
      for (const slot of range.slots) free = Math.min(free, capacity - ledger.load(slot));
      const room = free - head.r.numberOfPeople;
      if (
        !best ||
        room < best.room ||
        (room === best.room && head.order < best.range.queue[best.range.next]!.order)
      ) {
        best = { range, room };
      }
    }
    if (!best) break;
    const chosen = best.range.queue[best.range.next++]!.r;
    ledger.apply(seatsOf(chosen, grid));
    admitted.push(chosen);
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
