import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingPolicy } from './booking-policy.js';
import {
  type Actor,
  cancel,
  confirm,
  confirmedLoadDelta,
  type Reservation,
  type ReservationStatus,
  rangeOf,
} from './reservation.js';
import { SlotGrid } from './slot-grid.js';
import { parseRequestTime } from './time-zone.js';

const SEOUL = 'Asia/Seoul';
const policy = bookingPolicy();
const grid = policy.grid;
const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
/** 2026-12-01 09:00 in Seoul: bookable from 2026-12-04 00:00. */
const NOW = local('2026-12-01 09:00');
const LATER = NOW + 60_000;

const owner: Actor = { userId: 7, role: 'user' };
const admin: Actor = { userId: 1, role: 'admin' };

function reservation(fields: Partial<Reservation> = {}): Reservation {
  return {
    id: 1,
    userId: owner.userId,
    reservationName: 'Mock exam',
    start: local('2026-12-10 09:00'),
    end: local('2026-12-10 10:00'),
    numberOfPeople: 100,
    status: 'pending',
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 3_600_000,
    ...fields,
  };
}

describe('rangeOf', () => {
  it('is the reservation’s [start, end)', () => {
    const r = rangeOf(reservation());
    expect(r.start).toBe(local('2026-12-10 09:00'));
    expect(r.end).toBe(local('2026-12-10 10:00'));
  });
});

describe('confirmedLoadDelta', () => {
  const slot = (hm: string): number => local(`2026-12-10 ${hm}`);

  it('an admin moving a confirmed reservation: old slots negative, new slots positive, overlap nets out', () => {
    const before = reservation({ status: 'confirmed', numberOfPeople: 100 });
    const after = { ...before, start: slot('09:30'), end: slot('10:30') };
    expect(confirmedLoadDelta(before, after, grid)).toEqual([
      { slotStart: slot('09:00'), delta: -100 },
      { slotStart: slot('09:10'), delta: -100 },
      { slotStart: slot('09:20'), delta: -100 },
      { slotStart: slot('10:00'), delta: 100 },
      { slotStart: slot('10:10'), delta: 100 },
      { slotStart: slot('10:20'), delta: 100 },
    ]);
  });

  it('a change of people on the overlap is the difference', () => {
    const before = reservation({ status: 'confirmed', numberOfPeople: 100 });
    const after = { ...before, start: slot('09:40'), end: slot('10:10'), numberOfPeople: 150 };
    expect(confirmedLoadDelta(before, after, grid)).toEqual([
      { slotStart: slot('09:00'), delta: -100 },
      { slotStart: slot('09:10'), delta: -100 },
      { slotStart: slot('09:20'), delta: -100 },
      { slotStart: slot('09:30'), delta: -100 },
      { slotStart: slot('09:40'), delta: 50 },
      { slotStart: slot('09:50'), delta: 50 },
      { slotStart: slot('10:00'), delta: 150 },
    ]);
  });

  it('is in ascending slot order even when the reservation moves earlier', () => {
    const before = reservation({ status: 'confirmed', start: slot('10:00'), end: slot('10:30') });
    const after = { ...before, start: slot('09:30'), end: slot('10:10') };
    expect(confirmedLoadDelta(before, after, grid)).toEqual([
      { slotStart: slot('09:30'), delta: 100 },
      { slotStart: slot('09:40'), delta: 100 },
      { slotStart: slot('09:50'), delta: 100 },
      { slotStart: slot('10:10'), delta: -100 },
      { slotStart: slot('10:20'), delta: -100 },
    ]);
  });

  it('confirming adds the load of every slot, not the end slot', () => {
    const t = confirm(admin, reservation(), LATER);
    const deltas = confirmedLoadDelta(t.before, t.after, grid);
    expect(deltas.map((d) => d.slotStart)).toEqual(grid.slotsOf(rangeOf(t.after)));
    expect(deltas.every((d) => d.delta === 100)).toBe(true);
    expect(deltas).toHaveLength(6);
  });

  it('cancelling a confirmed reservation frees its load; a pending one changes nothing', () => {
    const confirmed = cancel(admin, reservation({ status: 'confirmed' }), LATER);
    const freed = confirmedLoadDelta(confirmed.before, confirmed.after, grid);
    expect(freed).toHaveLength(6);
    expect(freed.every((d) => d.delta === -100)).toBe(true);
    const pending = cancel(owner, reservation(), LATER);
    expect(confirmedLoadDelta(pending.before, pending.after, grid)).toEqual([]);
  });

  it('omits zeros: an unmoved confirmed reservation or an update of a pending one has no delta', () => {
    const confirmed = reservation({ status: 'confirmed' });
    expect(confirmedLoadDelta(confirmed, { ...confirmed, reservationName: 'Renamed' }, grid)).toEqual([]);
    const pending = reservation();
    expect(confirmedLoadDelta(pending, { ...pending, start: slot('08:00') }, grid)).toEqual([]);
  });

  it('accepts null for no reservation before or after', () => {
    const confirmed = reservation({ status: 'confirmed', start: slot('09:00'), end: slot('09:20') });
    expect(confirmedLoadDelta(null, confirmed, grid)).toEqual([
      { slotStart: slot('09:00'), delta: 100 },
      { slotStart: slot('09:10'), delta: 100 },
    ]);
    expect(confirmedLoadDelta(confirmed, null, grid)).toEqual([
      { slotStart: slot('09:00'), delta: -100 },
      { slotStart: slot('09:10'), delta: -100 },
    ]);
    expect(confirmedLoadDelta(null, null, grid)).toEqual([]);
  });

  it('confirmed load delta is load(after) − load(before), slot by slot, ascending, without zeros', () => {
    const g = new SlotGrid(10);
    const base = slot('09:00');
    const reservations = fc
      .record({
        status: fc.constantFrom<ReservationStatus>('pending', 'confirmed', 'cancelled', 'rejected'),
        from: fc.integer({ min: 0, max: 20 }),
        length: fc.integer({ min: 1, max: 10 }),
        people: fc.integer({ min: 1, max: 5 }),
      })
      .map(({ status, from, length, people }) =>
        reservation({
          status,
          start: base + from * g.slotMs,
          end: base + (from + length) * g.slotMs,
          numberOfPeople: people,
        }),
      );
    const loadOf = (r: Reservation | null): Map<number, number> =>
      new Map(r?.status === 'confirmed' ? g.slotsOf(rangeOf(r)).map((s) => [s, r.numberOfPeople]) : []);
    fc.assert(
      fc.property(fc.option(reservations), fc.option(reservations), (before, after) => {
        const deltas = confirmedLoadDelta(before, after, g);
        const old = loadOf(before);
        const next = loadOf(after);
        const expected = [...new Set([...old.keys(), ...next.keys()])]
          .sort((a, b) => a - b)
          .map((s) => ({ slotStart: s, delta: (next.get(s) ?? 0) - (old.get(s) ?? 0) }))
          .filter((d) => d.delta !== 0);
        expect(deltas).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
