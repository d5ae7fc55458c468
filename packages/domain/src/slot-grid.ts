import type { TimeRange } from './time-range.js';

/** Default slot length of the API. */
export const DEFAULT_SLOT_MINUTES = 10;

/**
 * The grid of fixed-length slots `[t, t + length)`, with `t` a multiple of the
 * length since the Unix epoch. A slot is named by its start (epoch ms).
 */
export class SlotGrid {
  readonly slotMs: number;

  constructor(readonly slotMinutes: number = DEFAULT_SLOT_MINUTES) {
    if (!Number.isInteger(slotMinutes) || slotMinutes <= 0) {
      throw new RangeError(`slot length must be a positive whole number of minutes, got ${slotMinutes}`);
    }
    this.slotMs = slotMinutes * 60_000;
  }

  isAligned(instant: number): boolean {
    return Number.isSafeInteger(instant) && instant % this.slotMs === 0;
  }

  /** Start of the slot containing `instant`. */
  floor(instant: number): number {
    return Math.floor(instant / this.slotMs) * this.slotMs;
  }

  /** Start of the first slot that starts at or after `instant`. */
  ceil(instant: number): number {
    return Math.ceil(instant / this.slotMs) * this.slotMs;
  }

  /**
   * Starts of the slots a reservation `[start, end)` occupies: every slot that
   * starts in `[start, end)`. The end itself is never charged.
   */
  slotsOf(range: TimeRange): number[] {
    const out: number[] = [];
    for (let t = this.ceil(range.start); t < range.end; t += this.slotMs) out.push(t);
    return out;
  }

  /** How many slots {@link slotsOf} returns, without building the array. */
  countSlots(range: TimeRange): number {
    const first = this.ceil(range.start);
    return first < range.end ? Math.ceil((range.end - first) / this.slotMs) : 0;
  }
}
