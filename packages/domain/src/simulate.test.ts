import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BookingDraft, bookingPolicy } from './booking-policy.js';
import { CapacityExceededError, DomainError } from './errors.js';
import type { Actor, ReservationPatch } from './reservation.js';
import { type SimulationEvent, simulate } from './simulate.js';
import { parseRequestTime } from './time-zone.js';

const SEOUL = 'Asia/Seoul';
const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
/** 2026-12-01 09:00 in Seoul: bookable from 2026-12-04 00:00. */
const NOW = local('2026-12-01 09:00');
const policy = bookingPolicy({ capacity: 10 });

const alice: Actor = { userId: 1, role: 'user' };
const bob: Actor = { userId: 2, role: 'user' };
const carol: Actor = { userId: 3, role: 'user' };
const admin: Actor = { userId: 100, role: 'admin' };

const draft = (start: string, end: string, numberOfPeople: number): BookingDraft => ({
  reservationName: 'Exam',
  start: local(start),
  end: local(end),
  numberOfPeople,
});

describe('simulate', () => {
  it('replays a scripted day: refusals with their errors, and the confirmed load left behind', () => {
    const events: SimulationEvent[] = [
      /* 0 */ {
        type: 'create',
        actor: alice,
        draft: draft('2026-12-10 09:00', '2026-12-10 10:00', 6),
        at: NOW,
      },
      /* 1 */ {
        type: 'create',
        actor: bob,
        draft: draft('2026-12-10 09:30', '2026-12-10 10:30', 5),
        at: NOW,
      },
      /* 2 */ {
        type: 'create',
        actor: bob,
        draft: draft('2026-12-10 09:00', '2026-12-10 09:10', 11),
        at: NOW,
      },
      /* 3 */ { type: 'confirm', actor: admin, id: 1, at: NOW },
      /* 4 */ { type: 'confirm', actor: admin, id: 2, at: NOW },
      /* 5 */ { type: 'confirm', actor: alice, id: 2, at: NOW },
      /* 6 */ {
        type: 'update',
        actor: bob,
        id: 2,
        patch: { start: local('2026-12-10 10:00'), end: local('2026-12-10 11:00') },
        at: NOW,
      },
      /* 7 */ { type: 'confirm', actor: admin, id: 2, at: NOW },
      /* 8 */ { type: 'cancel', actor: alice, id: 1, at: NOW },
      /* 9 */ { type: 'cancel', actor: bob, id: 1, at: NOW },
      /* 10 */ { type: 'update', actor: admin, id: 1, patch: { numberOfPeople: 4 }, at: NOW },
      /* 11 */ {
        type: 'create',
        actor: carol,
        draft: draft('2026-12-10 09:00', '2026-12-10 09:10', 7),
        at: NOW,
      },
      /* 12 */ {
        type: 'create',
        actor: carol,
        draft: draft('2026-12-10 09:00', '2026-12-10 09:10', 6),
        at: NOW,
      },
      /* 13 */ { type: 'confirm', actor: admin, id: 99, at: NOW },
      /* 14 */ {
        type: 'create',
        actor: carol,
        draft: draft('2026-12-03 09:00', '2026-12-03 10:00', 1),
        at: NOW,
      },
      /* 15 */ { type: 'cancel', actor: admin, id: 2, at: NOW },
      /* 16 */ { type: 'cancel', actor: admin, id: 2, at: NOW },
      /* 17 */ { type: 'confirm', actor: admin, id: 3, at: NOW },
    ];
    const result = simulate(events, policy);

    expect(result.refusals.map((r) => [r.index, r.error.code])).toEqual([
      [2, 'validation_error'],
      [4, 'capacity_exceeded'],
      [5, 'forbidden'],
      [8, 'invalid_state'],
      [9, 'not_found'],
      [11, 'capacity_exceeded'],
      [13, 'not_found'],
      [14, 'validation_error'],
    ]);
    for (const refusal of result.refusals) expect(refusal.event).toBe(events[refusal.index]);
    // Each capacity refusal names the first slot that would overflow.
    const overflows = result.refusals.map((r) => r.error).filter((e) => e instanceof CapacityExceededError);
    expect(overflows.map((e) => e.slotStart)).toEqual([local('2026-12-10 09:30'), local('2026-12-10 09:00')]);

    expect([...result.reservations.keys()]).toEqual([1, 2, 3]);
    expect(result.reservations.get(1)).toMatchObject({ status: 'confirmed', numberOfPeople: 4, userId: 1 });
    expect(result.reservations.get(2)).toMatchObject({
      status: 'cancelled',
      start: local('2026-12-10 10:00'),
      end: local('2026-12-10 11:00'),
      userId: 2,
    });
    expect(result.reservations.get(3)).toMatchObject({ status: 'confirmed', numberOfPeople: 6, userId: 3 });

    // 09:00 is filled exactly to capacity; 10:00 is not charged by the 09:00–10:00 booking.
    expect([...result.loads].sort(([a], [b]) => a - b)).toEqual([
      [local('2026-12-10 09:00'), 10],
      [local('2026-12-10 09:10'), 4],
      [local('2026-12-10 09:20'), 4],
      [local('2026-12-10 09:30'), 4],
      [local('2026-12-10 09:40'), 4],
      [local('2026-12-10 09:50'), 4],
    ]);
  });

  it('a refused confirm leaves the reservation pending', () => {
    const result = simulate(
      [
        { type: 'create', actor: alice, draft: draft('2026-12-10 09:00', '2026-12-10 09:20', 8), at: NOW },
        { type: 'create', actor: bob, draft: draft('2026-12-10 09:10', '2026-12-10 09:30', 8), at: NOW },
        { type: 'confirm', actor: admin, id: 1, at: NOW },
        { type: 'confirm', actor: admin, id: 2, at: NOW },
      ],
      policy,
    );
    expect(result.refusals.map((r) => r.index)).toEqual([3]);
    expect(result.reservations.get(2)?.status).toBe('pending');
    expect(result.loads.get(local('2026-12-10 09:20'))).toBeUndefined();
  });

  it('an admin moving a confirmed reservation does not count its own old load against it', () => {
    const result = simulate(
      [
        { type: 'create', actor: alice, draft: draft('2026-12-10 09:00', '2026-12-10 10:00', 10), at: NOW },
        { type: 'confirm', actor: admin, id: 1, at: NOW },
        {
          type: 'update',
          actor: admin,
          id: 1,
          patch: { start: local('2026-12-10 09:30'), end: local('2026-12-10 10:30') },
          at: NOW,
        },
      ],
      policy,
    );
    expect(result.refusals).toEqual([]);
    expect([...result.loads.keys()].sort((a, b) => a - b)).toEqual(
      ['09:30', '09:40', '09:50', '10:00', '10:10', '10:20'].map((hm) => local(`2026-12-10 ${hm}`)),
    );
  });
});

describe('simulate: reject and admit', () => {
  const day = (hm: string) => local(`2026-12-10 ${hm}`);

  it('an admin rejects a pending reservation; it is final, and only admins may', () => {
    const result = simulate(
      [
        /* 0 */ {
          type: 'create',
          actor: alice,
          draft: draft('2026-12-10 09:00', '2026-12-10 09:30', 4),
          at: NOW,
        },
        /* 1 */ { type: 'reject', actor: alice, id: 1, at: NOW },
        /* 2 */ { type: 'reject', actor: admin, id: 1, reason: '', at: NOW },
        /* 3 */ { type: 'reject', actor: admin, id: 1, reason: 'duplicate booking', at: NOW + 1 },
        /* 4 */ { type: 'reject', actor: admin, id: 1, at: NOW + 2 },
        /* 5 */ { type: 'confirm', actor: admin, id: 1, at: NOW },
        /* 6 */ { type: 'cancel', actor: alice, id: 1, at: NOW },
        /* 7 */ { type: 'update', actor: admin, id: 1, patch: { numberOfPeople: 2 }, at: NOW },
      ],
      policy,
    );
    expect(result.refusals.map((r) => [r.index, r.error.code])).toEqual([
      [1, 'forbidden'],
      [2, 'validation_error'],
      [5, 'invalid_state'],
      [6, 'invalid_state'],
      [7, 'invalid_state'],
    ]);
    expect(result.reservations.get(1)).toMatchObject({ status: 'rejected', updatedAt: NOW + 1 });
    expect(result.loads.size).toBe(0);
  });

  it('admit confirms the pending ones of the range in creation order while they fit', () => {
    const result = simulate(
      [
        { type: 'create', actor: alice, draft: draft('2026-12-10 09:00', '2026-12-10 10:00', 6), at: NOW },
        { type: 'create', actor: bob, draft: draft('2026-12-10 09:30', '2026-12-10 10:30', 6), at: NOW + 1 },
        {
          type: 'create',
          actor: carol,
          draft: draft('2026-12-10 09:50', '2026-12-10 10:10', 4),
          at: NOW + 2,
        },
        {
          type: 'create',
          actor: carol,
          draft: draft('2026-12-11 09:00', '2026-12-11 10:00', 9),
          at: NOW + 3,
        },
        { type: 'create', actor: bob, draft: draft('2026-12-10 10:00', '2026-12-10 10:10', 3), at: NOW + 4 },
        { type: 'cancel', actor: bob, id: 5, at: NOW + 5 },
        { type: 'admit', actor: alice, start: day('00:00'), end: local('2026-12-11 00:00'), at: NOW + 6 },
        { type: 'admit', actor: admin, start: day('00:00'), end: local('2026-12-11 00:00'), at: NOW + 7 },
      ],
      policy,
    );
    expect(result.refusals.map((r) => [r.index, r.error.code])).toEqual([[6, 'forbidden']]);
    const status = (id: number) => result.reservations.get(id)?.status;
    // 1 fits; 2 overlaps 1 at 09:30–10:00 (12 > 10); 3 fits beside 1 (10 at 09:50); 4 is on another day.
    expect([1, 2, 3, 4, 5].map(status)).toEqual([
      'confirmed',
      'pending',
      'confirmed',
      'pending',
      'cancelled',
    ]);
    expect(result.reservations.get(1)?.updatedAt).toBe(NOW + 7);
    expect(result.loads.get(day('09:50'))).toBe(10);
    expect(result.loads.get(day('10:00'))).toBe(4);
  });

  it('admit with rejectRest rejects what does not fit; a second run finds nothing left', () => {
    const events: SimulationEvent[] = [
      { type: 'create', actor: alice, draft: draft('2026-12-10 09:00', '2026-12-10 10:00', 6), at: NOW },
      { type: 'create', actor: bob, draft: draft('2026-12-10 09:30', '2026-12-10 10:30', 6), at: NOW + 1 },
      { type: 'admit', actor: admin, start: day('09:00'), end: day('09:10'), rejectRest: true, at: NOW + 2 },
      {
        type: 'admit',
        actor: admin,
        start: day('00:00'),
        end: local('2026-12-11 00:00'),
        rejectRest: true,
        at: NOW + 3,
      },
    ];
    const result = simulate(events, policy);
    expect(result.refusals).toEqual([]);
    // The first admission's range touches only the first reservation.
    expect(result.reservations.get(1)).toMatchObject({ status: 'confirmed', updatedAt: NOW + 2 });
    expect(result.reservations.get(2)).toMatchObject({ status: 'rejected', updatedAt: NOW + 3 });
    const again = simulate([...events, { ...events[3]!, at: NOW + 4 }] as SimulationEvent[], policy);
    expect(again.reservations).toEqual(result.reservations);
  });
});

describe('simulate laws', () => {
  const actors: fc.Arbitrary<Actor> = fc.oneof(
    { arbitrary: fc.constantFrom(alice, bob, carol), weight: 1 },
    { arbitrary: fc.constantFrom(admin, { userId: 101, role: 'admin' as const }), weight: 1 },
  );
  // Mostly a narrow window on one bookable day so reservations collide; sometimes a day inside the lead time.
  const day = fc.oneof(
    { arbitrary: fc.constant(local('2026-12-10 09:00')), weight: 6 },
    { arbitrary: fc.constant(local('2026-12-03 09:00')), weight: 1 },
  );
  const slot = policy.grid.slotMs;
  const drafts: fc.Arbitrary<BookingDraft> = fc
    .record({
      day,
      from: fc.integer({ min: 0, max: 12 }),
      length: fc.integer({ min: 1, max: 6 }),
      people: fc.integer({ min: 1, max: 10 }),
      offGrid: fc.oneof(
        { arbitrary: fc.constant(0), weight: 12 },
        { arbitrary: fc.constant(60_000), weight: 1 },
      ),
    })
    .map(({ day, from, length, people, offGrid }) => ({
      reservationName: 'Exam',
      start: day + from * slot + offGrid,
      end: day + (from + length) * slot,
      numberOfPeople: people,
    }));
  const patches: fc.Arbitrary<ReservationPatch> = fc
    .tuple(drafts, fc.boolean(), fc.boolean(), fc.boolean())
    .map(([d, moveStart, moveEnd, changePeople]) => ({
      ...(moveStart ? { start: d.start } : {}),
      ...(moveEnd ? { end: d.end } : {}),
      ...(changePeople ? { numberOfPeople: d.numberOfPeople } : {}),
    }));
  const id = fc.integer({ min: 1, max: 5 });
  const at = fc.integer({ min: 0, max: 2 * 24 * 60 }).map((m) => NOW + m * 60_000);
  const event: fc.Arbitrary<SimulationEvent> = fc.oneof(
    {
      arbitrary: fc.record({ type: fc.constant('create' as const), actor: actors, draft: drafts, at }),
      weight: 3,
    },
    { arbitrary: fc.record({ type: fc.constant('confirm' as const), actor: actors, id, at }), weight: 3 },
    { arbitrary: fc.record({ type: fc.constant('cancel' as const), actor: actors, id, at }), weight: 1 },
    {
      arbitrary: fc.record({ type: fc.constant('update' as const), actor: actors, id, patch: patches, at }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        type: fc.constant('reject' as const),
        actor: actors,
        id,
        reason: fc.option(fc.constantFrom('full', ''), { nil: undefined }),
        at,
      }),
      weight: 1,
    },
    {
      arbitrary: fc
        .record({
          actor: actors,
          from: fc.integer({ min: 0, max: 12 }),
          length: fc.integer({ min: 1, max: 12 }),
          rejectRest: fc.boolean(),
          at,
        })
        .map(({ from, length, ...rest }) => ({
          type: 'admit' as const,
          start: local('2026-12-10 09:00') + from * slot,
          end: local('2026-12-10 09:00') + (from + length) * slot,
          ...rest,
        })),
      weight: 1,
    },
  );
  const scripts = fc.array(event, { minLength: 5, maxLength: 40, size: 'max' });

  it('confirmed load never exceeds capacity under any random sequence of simulated operations', () => {
    fc.assert(
      fc.property(scripts, (events) => {
        const result = simulate(events, policy);
        for (const load of result.loads.values()) {
          expect(load).toBeGreaterThan(0);
          expect(load).toBeLessThanOrEqual(policy.capacity);
        }
        // The ledger agrees with the confirmed reservations, recomputed slot by slot.
        const expected = new Map<number, number>();
        for (const r of result.reservations.values()) {
          if (r.status !== 'confirmed') continue;
          for (let t = policy.grid.ceil(r.start); t < r.end; t += slot) {
            expected.set(t, (expected.get(t) ?? 0) + r.numberOfPeople);
          }
        }
        const sorted = (m: ReadonlyMap<number, number>) => [...m].sort(([a], [b]) => a - b);
        expect(sorted(result.loads)).toEqual(sorted(expected));
        for (const refusal of result.refusals) expect(refusal.error).toBeInstanceOf(DomainError);
      }),
      { numRuns: 150 },
    );
  });

  it('reservation ids are 1..n in creation order, and only successful creates take one', () => {
    fc.assert(
      fc.property(scripts, (events) => {
        const result = simulate(events, policy);
        const refused = new Set(result.refusals.map((r) => r.index));
        const created = events.filter((e, i) => e.type === 'create' && !refused.has(i)).length;
        expect([...result.reservations.keys()].sort((a, b) => a - b)).toEqual(
          Array.from({ length: created }, (_, i) => i + 1),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('a refused event changes nothing: replaying without the refusals gives the same outcome', () => {
    fc.assert(
      fc.property(scripts, (events) => {
        const result = simulate(events, policy);
        const refused = new Set(result.refusals.map((r) => r.index));
        const replay = simulate(
          events.filter((_, i) => !refused.has(i)),
          policy,
        );
        expect(replay.refusals).toEqual([]);
        expect(replay.reservations).toEqual(result.reservations);
        expect(replay.loads).toEqual(result.loads);
      }),
      { numRuns: 150 },
    );
  });
});
