import { type Reservation, rangeOf } from '../reservation.js';
import type { SlotGrid } from '../slot-grid.js';
import type { TimeRange } from '../time-range.js';

/**
 * The pending reservations, bucketed by the slot they start in, so that an
 * admission finds its candidates without scanning every reservation: the
 * question the service asks its store (`listPending` overlapping a range, in
 * creation order). It answers exactly what {@link scanPending} answers.
 */
export class PendingIndex {
  private readonly byStartSlot = new Map<number, Map<number, Reservation>>();
  /** The longest pending reservation ever added: overlaps start at most this far before a range. */
  private longestMs = 0;
  private count = 0;

  constructor(private readonly grid: SlotGrid) {}

  /** How many pending reservations it holds. */
  get size(): number {
    return this.count;
  }

  /** Adds a pending reservation (or replaces the one with its id in the same bucket). */
  add(reservation: Reservation): void {
    const key = this.grid.floor(reservation.start);
    let bucket = this.byStartSlot.get(key);
    if (!bucket) {
      bucket = new Map();
      this.byStartSlot.set(key, bucket);
    }
    if (!bucket.has(reservation.id)) this.count++;
    bucket.set(reservation.id, reservation);
    this.longestMs = Math.max(this.longestMs, reservation.end - reservation.start);
  }

  /** Removes a reservation as it was added (its start names the bucket). */
  remove(reservation: Reservation): void {
    const key = this.grid.floor(reservation.start);
    const bucket = this.byStartSlot.get(key);
    if (!bucket?.delete(reservation.id)) return;
    this.count--;
    if (bucket.size === 0) this.byStartSlot.delete(key);
  }

  /** The pending reservations overlapping `range`, in creation order (`createdAt`, then id). */
  overlapping(range: TimeRange): Reservation[] {
    const out: Reservation[] = [];
    const first = this.grid.floor(range.start - this.longestMs);
    const slots = (range.end - first) / this.grid.slotMs;
    // Few buckets (a quiet index) are cheaper to walk than the window's slots.
    if (this.byStartSlot.size < slots) {
      for (const [key, bucket] of this.byStartSlot) {
        if (key >= first && key < range.end) collect(bucket, range, out);
      }
    } else {
      for (let key = first; key < range.end; key += this.grid.slotMs) {
        const bucket = this.byStartSlot.get(key);
        if (bucket) collect(bucket, range, out);
      }
    }
    return out.sort(byCreation);
  }
}

function collect(bucket: ReadonlyMap<number, Reservation>, range: TimeRange, out: Reservation[]): void {
  for (const r of bucket.values()) if (rangeOf(r).overlaps(range)) out.push(r);
}

/** Creation order, as the service's store lists pending reservations: `createdAt`, then id. */
export const byCreation = (a: Reservation, b: Reservation): number =>
  a.createdAt - b.createdAt || a.id - b.id;

/** The plain scan {@link PendingIndex} stands for: every pending reservation overlapping `range`, in creation order. */
export function scanPending(reservations: Iterable<Reservation>, range: TimeRange): Reservation[] {
  const out: Reservation[] = [];
  for (const r of reservations) {
    if (r.status === 'pending' && rangeOf(r).overlaps(range)) out.push(r);
  }
  return out.sort(byCreation);
}
