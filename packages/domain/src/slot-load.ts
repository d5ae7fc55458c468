import type { BookingPolicy } from './booking-policy.js';
import type { SlotLoads } from './capacity.js';
import { ValidationError } from './errors.js';
import type { SlotGrid } from './slot-grid.js';
import type { TimeRange } from './time-range.js';
import { dateRangeToInterval, daysInDateRange } from './time-zone.js';

/** Longest date range a load view may span, in days. */
export const MAX_LOAD_RANGE_DAYS = 31;

/** A stretch of slots with the same load: `[start, end)`, every slot in it alike. */
export interface LoadItem {
  readonly start: number;
  readonly end: number;
  /** People per slot. */
  readonly capacity: number;
  /** Confirmed people in each slot of the stretch. */
  readonly confirmed: number;
  /** People of pending reservations that cover each slot of the stretch. */
  readonly pending: number;
}

/** What {@link computeLoad} needs: the range, the rules, and the two loads per slot. */
export interface LoadQuery {
  readonly grid: SlotGrid;
  /** The range asked about; every slot that starts in it is in the answer. */
  readonly range: TimeRange;
  readonly capacity: number;
  /** Confirmed people per slot (sparse). */
  readonly confirmed: SlotLoads;
  /** People of pending reservations per slot (sparse). */
  readonly pending: SlotLoads;
}

/**
 * The instants of a range of whole days (`YYYY-MM-DD`, both inclusive) in the
 * policy's zone, at most {@link MAX_LOAD_RANGE_DAYS} long (and no longer than
 * the policy's `maxRangeDays`): the range of a load view.
 * @throws ValidationError for bad dates or a range over the maximum (on `end`)
 */
export function loadDateRange(startDate: string, endDate: string, policy: BookingPolicy): TimeRange {
  const range = dateRangeToInterval(startDate, endDate, policy.timeZone);
  const most = Math.min(MAX_LOAD_RANGE_DAYS, policy.maxRangeDays);
  if (daysInDateRange(startDate, endDate) > most) {
    throw ValidationError.of('end', `a range may span at most ${most} days`);
  }
  return range;
}

/**
 * The whole range cut into slots, nothing dropped (past and full slots
 * included), each with its capacity, confirmed and pending people; adjacent
 * slots with the same three merged into one stretch, across midnight too.
 * Runs in O(loaded slots · log) rather than O(slots in range).
 */
export function computeLoad(query: LoadQuery): LoadItem[] {
  const { grid, range, capacity, confirmed, pending } = query;
  const from = grid.ceil(range.start);
  const to = grid.ceil(range.end);
  const out: { start: number; end: number; capacity: number; confirmed: number; pending: number }[] = [];
  const push = (start: number, end: number, c: number, p: number): void => {
    if (start >= end) return;
    const last = out[out.length - 1];
    if (last && last.end === start && last.confirmed === c && last.pending === p) last.end = end;
    else out.push({ start, end, capacity, confirmed: c, pending: p });
  };
  const loaded = new Set<number>();
  for (const loads of [confirmed, pending]) {
    for (const [slot, people] of loads) {
      if (people !== 0 && slot >= from && slot < to && grid.isAligned(slot)) loaded.add(slot);
    }
  }
  const slots = Float64Array.from(loaded).sort();
  let cursor = from;
  for (const slot of slots) {
    push(cursor, slot, 0, 0);
    push(slot, slot + grid.slotMs, confirmed.get(slot) ?? 0, pending.get(slot) ?? 0);
    cursor = slot + grid.slotMs;
  }
  push(cursor, to, 0, 0);
  return out;
}

/** Cuts load stretches back into single slots: the inverse of the merge in {@link computeLoad}. */
export function expandLoad(items: readonly LoadItem[], grid: SlotGrid): LoadItem[] {
  const out: LoadItem[] = [];
  for (const item of items) {
    for (let t = item.start; t < item.end; t += grid.slotMs)
      out.push({ ...item, start: t, end: t + grid.slotMs });
  }
  return out;
}
