import { firstOverflow, overflowingSlot, type SlotDelta, type SlotLoads, sumDeltas } from './capacity.js';
import type { CapacityExceededError } from './errors.js';

/**
 * An in-memory ledger of confirmed load per slot that refuses any change that
 * would put a slot over capacity. All-or-nothing: a refused change leaves it
 * as it was. The reference model that stores must agree with.
 */
export class CapacityLedger {
  private readonly loads = new Map<number, number>();

  /**
   * @param initial loads to start from (e.g. what a store holds locked)
   * @param timeZone the zone refusals write the slot in
   */
  constructor(
    readonly capacity: number,
    initial: SlotLoads = new Map(),
    readonly timeZone?: string,
  ) {
    for (const [slot, load] of initial) if (load !== 0) this.loads.set(slot, load);
  }

  /** @throws CapacityExceededError naming the first slot that would overflow */
  apply(deltas: readonly SlotDelta[]): void {
    // Summed per slot first: two deltas for one slot are checked as their
    // sum, and every check must pass before anything is written.
    const netDeltas = sumDeltas(deltas);
    const overflow = firstOverflow(this.loads, netDeltas, this.capacity, this.timeZone);
    if (overflow) throw overflow;
    for (const { slotStart, delta } of netDeltas) {
      const next = (this.loads.get(slotStart) ?? 0) + delta;
      if (next < 0) throw new RangeError(`slot ${slotStart} would have negative load ${next}`);
    }
    for (const { slotStart, delta } of netDeltas) {
      const next = (this.loads.get(slotStart) ?? 0) + delta;
      if (next === 0) this.loads.delete(slotStart);
      else this.loads.set(slotStart, next);
    }
  }

  /** The first slot `deltas` would overfill, or `null`: {@link firstOverflow} without copying the loads. */
  overflowOf(deltas: Iterable<SlotDelta>): CapacityExceededError | null {
    return firstOverflow(this.loads, deltas, this.capacity, this.timeZone);
  }

  /** Whether `deltas` fit: {@link overflowingSlot} finds none (cheaper than building the refusal). */
  fits(deltas: Iterable<SlotDelta>): boolean {
    return overflowingSlot(this.loads, deltas, this.capacity) === null;
  }

  load(slotStart: number): number {
    return this.loads.get(slotStart) ?? 0;
  }

  /** Confirmed load of the slots that start in `[from, to)`. */
  loadsIn(from: number, to: number): Map<number, number> {
    return new Map([...this.loads].filter(([slot]) => slot >= from && slot < to));
  }

  snapshot(): SlotLoads {
    return new Map(this.loads);
  }
}
