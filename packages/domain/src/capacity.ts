import { CapacityExceededError } from './errors.js';
import type { SlotGrid } from './slot-grid.js';
import type { TimeRange } from './time-range.js';

/** Default people per slot. */
export const DEFAULT_SLOT_CAPACITY = 50_000;

/** Confirmed people per slot, keyed by slot start (epoch ms). Sparse: absent means 0. */
export type SlotLoads = ReadonlyMap<number, number>;

/** A bookable stretch of time: `[start, end)` with room for `availableCapacity` more people. */
export interface ScheduleItem {
  readonly start: number;
  readonly end: number;
  readonly availableCapacity: number;
}

/** What {@link computeSchedule} needs: the range asked about, the rules, and the confirmed load. */
export interface ScheduleQuery {
  readonly grid: SlotGrid;
  /** The range asked about; slots that start in it are considered. */
  readonly range: TimeRange;
  readonly capacity: number;
  /** Slots starting before this instant (the lead-time boundary) are dropped. */
  readonly bookableFrom: number;
  readonly loads: SlotLoads;
}

/**
 * The schedule of the API: the range cut into slots, slots before the
 * lead-time boundary and full slots dropped, adjacent slots with the same
 * room merged. Runs in O(loaded slots · log) rather than O(slots in range).
 */
export function computeSchedule(query: ScheduleQuery): ScheduleItem[] {
  const { grid, range, capacity, loads } = query;
  const from = grid.ceil(Math.max(range.start, query.bookableFrom));
  const to = grid.ceil(range.end);
  const out: { start: number; end: number; availableCapacity: number }[] = [];
  const push = (start: number, end: number, availableCapacity: number): void => {
    if (availableCapacity <= 0 || start >= end) return;
    const last = out[out.length - 1];
    if (last && last.end === start && last.availableCapacity === availableCapacity) last.end = end;
    else out.push({ start, end, availableCapacity });
  };
  const loaded: number[] = [];
  let sorted = true;
  for (const slot of loads.keys()) {
    if (slot < from || slot >= to || !grid.isAligned(slot)) continue;
    if (loaded.length > 0 && slot < loaded[loaded.length - 1]!) sorted = false;
    loaded.push(slot);
  }
  // Sorted only when the store did not hand the loads over in slot order (a
  // typed array sorts numbers natively, several times faster than a comparator).
  const slots = sorted ? loaded : Float64Array.from(loaded).sort();
  let cursor = from;
  for (const slot of slots) {
    push(cursor, slot, capacity);
    push(slot, slot + grid.slotMs, capacity - (loads.get(slot) ?? 0));
    cursor = slot + grid.slotMs;
  }
  push(cursor, to, capacity);
  return out;
}

/** Cuts schedule items back into single slots: the inverse of the merge in {@link computeSchedule}. */
export function expandSchedule(items: readonly ScheduleItem[], grid: SlotGrid): ScheduleItem[] {
  const out: ScheduleItem[] = [];
  for (const item of items) {
    for (let t = item.start; t < item.end; t += grid.slotMs) {
      out.push({ start: t, end: t + grid.slotMs, availableCapacity: item.availableCapacity });
    }
  }
  return out;
}

/** A signed change of confirmed load for one slot. */
export interface SlotDelta {
  readonly slotStart: number;
  readonly delta: number;
}

/** `people` in every slot that starts in `range`: the load a booking of that range holds once confirmed. */
export function rangeLoad(range: TimeRange, people: number, grid: SlotGrid): SlotDelta[] {
  return grid.slotsOf(range).map((slotStart) => ({ slotStart, delta: people }));
}

/**
 * Deltas summed per slot: one delta per slot, zero sums left out, in
 * ascending slot order (the lock order of any store that locks slots).
 */
export function sumDeltas(deltas: Iterable<SlotDelta>): SlotDelta[] {
  const list = Array.isArray(deltas) ? (deltas as readonly SlotDelta[]) : [...deltas];
  if (isSummed(list)) return list.slice();
  const net = new Map<number, number>();
  for (const { slotStart, delta } of list) net.set(slotStart, (net.get(slotStart) ?? 0) + delta);
  const summed: SlotDelta[] = [];
  for (const [slotStart, delta] of net) if (delta !== 0) summed.push({ slotStart, delta });
  return summed.sort((a, b) => a.slotStart - b.slotStart);
}

/** One delta per slot, ascending, none zero: already what {@link sumDeltas} makes (a single range's load is). */
function isSummed(deltas: readonly SlotDelta[]): boolean {
  for (let i = 0; i < deltas.length; i++) {
    if (deltas[i]!.delta === 0 || (i > 0 && deltas[i]!.slotStart <= deltas[i - 1]!.slotStart)) return false;
  }
  return true;
}

/**
 * The capacity rule: the first slot (in ascending order) where `deltas`,
 * summed per slot, would put the load over `capacity`, with its load and the
 * change, or `null` when all fit. Only a positive net change can overflow,
 * so load can always be released, even above a capacity lowered since.
 */
export function overflowingSlot(
  loads: SlotLoads,
  deltas: Iterable<SlotDelta>,
  capacity: number,
): { readonly slotStart: number; readonly current: number; readonly delta: number } | null {
  for (const { slotStart, delta } of sumDeltas(deltas)) {
    if (delta <= 0) continue;
    const current = loads.get(slotStart) ?? 0;
    if (current + delta > capacity) return { slotStart, current, delta };
  }
  return null;
}

/**
 * The capacity rule as a refusal: {@link overflowingSlot} named in a
 * {@link CapacityExceededError}, or `null` when all fit.
 * @param timeZone the zone the refusal's message writes the slot in
 */
export function firstOverflow(
  loads: SlotLoads,
  deltas: Iterable<SlotDelta>,
  capacity: number,
  timeZone?: string,
): CapacityExceededError | null {
  const slot = overflowingSlot(loads, deltas, capacity);
  return slot && new CapacityExceededError(slot.slotStart, capacity - slot.current, slot.delta, timeZone);
}
