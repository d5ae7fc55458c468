import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reservation, ReservationStatus } from '../reservation.js';
import { SlotGrid } from '../slot-grid.js';
import { TimeRange } from '../time-range.js';
import { PendingIndex, scanPending } from './pending-index.js';

const grid = new SlotGrid(10);
const T0 = Date.parse('2026-12-10T00:00:00Z');
const at = (n: number): number => T0 + n * grid.slotMs;

/** A change to the reservations: a new one, a move, a status change; or a question. */
type Step =
  | { kind: 'put'; id: number; from: number; length: number; status: ReservationStatus; createdAt: number }
  | { kind: 'ask'; from: number; length: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    id: fc.integer({ min: 1, max: 60 }),
    from: fc.integer({ min: 0, max: 80 }),
    // Mostly short (the index walks the window's slots), sometimes long (it walks its buckets).
    length: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 4 },
      fc.integer({ min: 1, max: 150 }),
    ),
    status: fc.constantFrom<ReservationStatus>('pending', 'pending', 'confirmed', 'cancelled', 'rejected'),
    createdAt: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({
    kind: fc.constant('ask' as const),
    from: fc.integer({ min: -20, max: 100 }),
    length: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 4 },
      fc.integer({ min: 1, max: 200 }),
    ),
  }),
);

describe('PendingIndex, the index simulate finds admission candidates with', () => {
  it('answers what the plain scan of every reservation answers, after any adds, moves and status changes', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), (steps) => {
        const all = new Map<number, Reservation>();
        const index = new PendingIndex(grid);
        for (const s of steps) {
          if (s.kind === 'ask') {
            const range = TimeRange.of(at(s.from), at(s.from + s.length));
            expect(index.overlapping(range)).toEqual(scanPending(all.values(), range));
            continue;
          }
          const old = all.get(s.id);
          const r: Reservation = {
            id: s.id,
            userId: 1,
            reservationName: 'R',
            start: at(s.from),
            end: at(s.from + s.length),
            numberOfPeople: 1,
            status: s.status,
            createdAt: old?.createdAt ?? T0 + s.createdAt,
            updatedAt: T0,
          };
          // As simulate keeps it: what was pending leaves, what is pending (again) comes in.
          if (old?.status === 'pending') index.remove(old);
          if (r.status === 'pending') index.add(r);
          all.set(r.id, r);
          expect(index.size).toBe([...all.values()].filter((x) => x.status === 'pending').length);
        }
      }),
    );
  });
});
