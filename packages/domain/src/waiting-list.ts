import { type AdmissionRule, admit } from './admission.js';
import type { BookingPolicy } from './booking-policy.js';
import type { SlotLoads } from './capacity.js';
import { confirmedLoadDelta, type Reservation, type Transition } from './reservation.js';
import type { SlotGrid } from './slot-grid.js';
import { TimeRange } from './time-range.js';

/** The reason the history records on a reservation the waiting list confirms. */
export const WAITING_LIST_REASON = 'waiting list';

/**
 * The stretch of slots a change frees room in: from the first slot whose
 * confirmed load the change lowers to the end of the last one, or `null`
 * when it frees none (a pending change, a confirmation, a move to a range
 * that holds the same slots). The waiting list admits over this range.
 */
export function freedRange(
  before: Reservation | null,
  after: Reservation | null,
  grid: SlotGrid,
): TimeRange | null {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const { slotStart, delta } of confirmedLoadDelta(before, after, grid)) {
    if (delta >= 0) continue;
    if (slotStart < first) first = slotStart;
    if (slotStart > last) last = slotStart;
  }
  return first <= last ? TimeRange.of(first, last + grid.slotMs) : null;
}

/** Two freed ranges as one to admit over: the span from the earlier start to the later end. */
export function coverRanges(a: TimeRange, b: TimeRange): TimeRange {
  return TimeRange.of(Math.min(a.start, b.start), Math.max(a.end, b.end));
}

/**
 * Freed rooms joined where they overlap or touch, in order of start: the
 * waiting list admits over each join on its own, so a booking that waits
 * between two rooms apart, where nothing was freed, is no candidate. `join`
 * makes one room of two (over their {@link coverRanges}).
 */
export function joinFreedRooms<T extends { readonly range: TimeRange }>(
  rooms: readonly T[],
  join: (earlier: T, later: T) => T,
): T[] {
  const sorted = [...rooms].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  const joined: T[] = [];
  for (const room of sorted) {
    const last = joined.at(-1);
    if (last && room.range.start <= last.range.end) joined[joined.length - 1] = join(last, room);
    else joined.push(room);
  }
  return joined;
}

/**
 * The waiting list's promotion: the pending `candidates` (those overlapping
 * the freed range, in creation order) are admitted by the one admission
 * rule, {@link admit}, against `loads`; each admitted one becomes confirmed
 * at `now`. Nobody is rejected: the rest keep waiting. No actor: the system
 * promotes, and the caller records it as such with {@link WAITING_LIST_REASON}.
 * `rule` is the service's {@link admit} unless a simulation tries another.
 */
export function promoteWaiting(
  loads: SlotLoads,
  candidates: readonly Reservation[],
  policy: Pick<BookingPolicy, 'capacity' | 'grid'>,
  now: number,
  rule: AdmissionRule = admit,
): { readonly confirmed: readonly Transition[]; readonly leftPending: readonly Reservation[] } {
  const decision = rule(loads, candidates, policy.capacity, policy.grid);
  const confirmed = decision.admitted.map(
    (before): Transition => ({
      before,
      after: { ...before, status: 'confirmed', updatedAt: now },
      changed: true,
    }),
  );
  return { confirmed, leftPending: decision.leftOut };
}
