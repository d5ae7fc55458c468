import { describe, expect, it } from 'vitest';
import { admit } from './admission.js';
import type { Reservation } from './reservation.js';
import { SlotGrid } from './slot-grid.js';
import { TimeRange } from './time-range.js';
import { coverRanges, freedRange, joinFreedRooms, promoteWaiting } from './waiting-list.js';

const grid = new SlotGrid(10);
const SLOT = grid.slotMs;
const T0 = Date.parse('2026-12-10T00:00:00Z');
const at = (n: number): number => T0 + n * SLOT;

function booking(
  id: number,
  from: number,
  to: number,
  people: number,
  status: Reservation['status'],
): Reservation {
  return {
    id,
    userId: 100 + id,
    reservationName: `R${id}`,
    start: at(from),
    end: at(to),
    numberOfPeople: people,
    status,
    createdAt: T0 - 86_400_000 + id,
    updatedAt: T0 - 86_400_000 + id,
  };
}

describe('freedRange', () => {
  it('is the confirmed range when a confirmed reservation is cancelled', () => {
    const before = booking(1, 2, 5, 10, 'confirmed');
    expect(freedRange(before, { ...before, status: 'cancelled' }, grid)).toEqual(TimeRange.of(at(2), at(5)));
  });

  it('is the whole range when a confirmed reservation is deleted', () => {
    expect(freedRange(booking(1, 0, 1, 3, 'confirmed'), null, grid)).toEqual(TimeRange.of(at(0), at(1)));
  });

  it('is every slot when a confirmed reservation shrinks in people', () => {
    const before = booking(1, 2, 4, 10, 'confirmed');
    expect(freedRange(before, { ...before, numberOfPeople: 4 }, grid)).toEqual(TimeRange.of(at(2), at(4)));
  });

  it('is only the slots left behind when a confirmed reservation moves', () => {
    const before = booking(1, 2, 6, 10, 'confirmed');
    expect(freedRange(before, { ...before, start: at(4), end: at(8) }, grid)).toEqual(
      TimeRange.of(at(2), at(4)),
    );
  });

  it('spans from the first to the last freed slot when a move frees both ends', () => {
    const before = booking(1, 2, 8, 10, 'confirmed');
    expect(freedRange(before, { ...before, start: at(3), end: at(7) }, grid)).toEqual(
      TimeRange.of(at(2), at(8)),
    );
  });

  it('is null when nothing confirmed is lowered', () => {
    const pending = booking(1, 2, 4, 10, 'pending');
    expect(freedRange(pending, { ...pending, status: 'cancelled' }, grid)).toBeNull();
    expect(freedRange(pending, { ...pending, status: 'confirmed' }, grid)).toBeNull();
    const confirmed = booking(2, 2, 4, 10, 'confirmed');
    expect(freedRange(confirmed, { ...confirmed, numberOfPeople: 12 }, grid)).toBeNull();
    expect(freedRange(confirmed, { ...confirmed, reservationName: 'renamed' }, grid)).toBeNull();
  });
});

describe('coverRanges', () => {
  it('spans both ranges', () => {
    expect(coverRanges(TimeRange.of(at(5), at(6)), TimeRange.of(at(1), at(2)))).toEqual(
      TimeRange.of(at(1), at(6)),
    );
  });
});

describe('joinFreedRooms', () => {
  it('joins, in order of start, the rooms that overlap or touch, and keeps rooms apart apart', () => {
    const room = (from: number, to: number, n: number) => ({ range: TimeRange.of(at(from), at(to)), n: [n] });
    const joined = joinFreedRooms([room(10, 11, 1), room(0, 2, 2), room(2, 3, 3), room(1, 2, 4)], (a, b) => ({
      range: coverRanges(a.range, b.range),
      n: [...a.n, ...b.n],
    }));
    expect(joined).toEqual([
      { range: TimeRange.of(at(0), at(3)), n: [2, 4, 3] },
      { range: TimeRange.of(at(10), at(11)), n: [1] },
    ]);
  });
});

describe('promoteWaiting', () => {
  it('confirms, in the order given, the candidates the admission rule admits, and leaves the rest waiting', () => {
    const loads = new Map([[at(0), 6]]);
    const candidates = [
      booking(1, 0, 1, 5, 'pending'),
      booking(2, 0, 1, 3, 'pending'),
      booking(3, 0, 1, 1, 'pending'),
    ];
    const promotion = promoteWaiting(loads, candidates, { capacity: 10, grid }, T0);
    const decision = admit(loads, candidates, 10, grid);
    expect(promotion.confirmed.map((t) => t.after.id)).toEqual(decision.admitted.map((r) => r.id));
    expect(promotion.confirmed.map((t) => t.after.id)).toEqual([2, 3]);
    expect(promotion.confirmed.every((t) => t.after.status === 'confirmed' && t.after.updatedAt === T0)).toBe(
      true,
    );
    expect(promotion.leftPending.map((r) => r.id)).toEqual([1]);
  });
});
