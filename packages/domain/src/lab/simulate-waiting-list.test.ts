import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BookingDraft, bookingPolicy } from '../booking-policy.js';
import type { Actor } from '../reservation.js';
import { type SimulatedChange, type SimulationEvent, simulate } from '../simulate.js';
import type { TimeRange } from '../time-range.js';
import { parseRequestTime } from '../time-zone.js';
import { coverRanges, freedRange, WAITING_LIST_REASON } from '../waiting-list.js';
import { smallestFirst } from './admission-policies.js';

const SEOUL = 'Asia/Seoul';
const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
const T = local('2026-12-01 09:00');
const min = (n: number): number => T + n * 60_000;
const policy = bookingPolicy({ capacity: 10, maxChangesPerReservation: 1 });
const alice: Actor = { userId: 1, role: 'user' };
const bob: Actor = { userId: 2, role: 'user' };
const carol: Actor = { userId: 3, role: 'user' };
const admin: Actor = { userId: 100, role: 'admin' };
const draft = (from: string, to: string, people: number): BookingDraft => ({
  reservationName: 'Exam',
  start: local(`2026-12-10 ${from}`),
  end: local(`2026-12-10 ${to}`),
  numberOfPeople: people,
});

/** 1 (6 people) confirmed; 2 (5) and 3 (4) wait; then 1 is cancelled at minute 10, freeing 09:00–10:00. */
const freeing: SimulationEvent[] = [
  { type: 'create', actor: alice, at: min(0), draft: draft('09:00', '10:00', 6) },
  { type: 'create', actor: bob, at: min(1), draft: draft('09:00', '10:00', 5) },
  { type: 'create', actor: carol, at: min(2), draft: draft('09:30', '10:00', 4) },
  { type: 'confirm', actor: admin, id: 1, at: min(3) },
  { type: 'cancel', actor: admin, id: 1, at: min(10), reason: 'moved abroad' },
];
const state = (events: SimulationEvent[], options: Parameters<typeof simulate>[2]) => {
  const { reservations } = simulate(events, policy, options);
  return [...reservations.values()].map((r) => [r.id, r.status, r.updatedAt]);
};

describe('simulate: the waiting list (AUTO_ADMIT=fifo)', () => {
  it('off (the default): freed room stays free', () => {
    expect(state(freeing, {})).toEqual([
      [1, 'cancelled', min(10)],
      [2, 'pending', min(1)],
      [3, 'pending', min(2)],
    ]);
  });

  it('delay 0: right after the change that freed room, the waiting ones that fit are confirmed in creation order', () => {
    const changes: SimulatedChange[] = [];
    const { reservations, loads } = simulate(freeing, policy, {
      autoAdmit: 'fifo',
      observer: { changed: (c) => changes.push(c) },
    });
    expect([...reservations.values()].map((r) => [r.id, r.status, r.updatedAt])).toEqual([
      [1, 'cancelled', min(10)],
      [2, 'confirmed', min(10)],
      [3, 'confirmed', min(10)],
    ]);
    expect(loads.get(local('2026-12-10 09:50'))).toBe(9);
    expect(changes.slice(-3).map((c) => [c.cause, c.reason])).toEqual([
      ['cancel', 'moved abroad'],
      ['waiting list', WAITING_LIST_REASON],
      ['waiting list', WAITING_LIST_REASON],
    ]);
  });

  it('with a delay: promoted at the due time, before the first event at or after it, over the joined freed ranges', () => {
    const events: SimulationEvent[] = [
      ...freeing,
      // Before the due time (minute 15): still waiting, and a later booking joins the queue.
      { type: 'create', actor: alice, at: min(12), draft: draft('09:00', '09:10', 1) },
      { type: 'create', actor: alice, at: min(20), draft: draft('12:00', '12:10', 1) },
    ];
    const { reservations } = simulate(events, policy, { autoAdmit: 'fifo', autoAdmitDelayMs: 5 * 60_000 });
    expect([...reservations.values()].map((r) => [r.id, r.status, r.updatedAt])).toEqual([
      [1, 'cancelled', min(10)],
      [2, 'confirmed', min(15)],
      [3, 'confirmed', min(15)],
      [4, 'confirmed', min(15)],
      [5, 'pending', min(20)],
    ]);
  });

  it('with a delay, rooms freed apart are promoted apart: a booking waiting between them, where nothing was freed, stays pending (as in the service)', () => {
    const events: SimulationEvent[] = [
      { type: 'create', actor: alice, at: min(0), draft: draft('09:00', '09:10', 10) },
      { type: 'create', actor: alice, at: min(1), draft: draft('11:00', '11:10', 10) },
      // Waits between the two rooms; it fits there, but no room is freed in its slot.
      { type: 'create', actor: bob, at: min(2), draft: draft('10:00', '10:10', 3) },
      { type: 'create', actor: bob, at: min(3), draft: draft('09:00', '09:10', 4) },
      { type: 'create', actor: carol, at: min(4), draft: draft('11:00', '11:10', 5) },
      { type: 'confirm', actor: admin, id: 1, at: min(5) },
      { type: 'confirm', actor: admin, id: 2, at: min(6) },
      { type: 'cancel', actor: admin, id: 1, at: min(10) },
      { type: 'cancel', actor: admin, id: 2, at: min(11) },
    ];
    const delayed = { autoAdmit: 'fifo', autoAdmitDelayMs: 5 * 60_000 } as const;
    expect(state(events, delayed)).toEqual([
      [1, 'cancelled', min(10)],
      [2, 'cancelled', min(11)],
      [3, 'pending', min(2)],
      [4, 'confirmed', min(15)],
      [5, 'confirmed', min(15)],
    ]);
  });

  it('a tick runs what is due; what is still due at the end runs at its due time', () => {
    const delayed = { autoAdmit: 'fifo', autoAdmitDelayMs: 5 * 60_000 } as const;
    expect(state([...freeing, { type: 'tick', at: min(14) }], delayed).map((r) => r[1])).toEqual([
      'cancelled',
      'confirmed',
      'confirmed',
    ]);
    const ticked = simulate([...freeing, { type: 'tick', at: min(16) }], policy, delayed);
    expect(ticked.reservations.get(2)?.updatedAt).toBe(min(15));
  });

  it('promotions choose by the admission rule given: fifo takes 5 and 1 of the 6 freed seats, smallest first 1 and 2', () => {
    const events: SimulationEvent[] = [
      { type: 'create', actor: alice, at: min(0), draft: draft('09:00', '10:00', 10) },
      { type: 'create', actor: bob, at: min(1), draft: draft('09:00', '10:00', 5) },
      { type: 'create', actor: carol, at: min(2), draft: draft('09:00', '10:00', 2) },
      { type: 'create', actor: bob, at: min(3), draft: draft('09:00', '10:00', 1) },
      { type: 'confirm', actor: admin, id: 1, at: min(4) },
      { type: 'update', actor: admin, id: 1, at: min(5), patch: { numberOfPeople: 4 } },
    ];
    const statuses = (options: Parameters<typeof simulate>[2]) =>
      [...simulate(events, policy, options).reservations.values()].map((r) => r.status);
    expect(statuses({ autoAdmit: 'fifo' })).toEqual(['confirmed', 'confirmed', 'pending', 'confirmed']);
    expect(statuses({ autoAdmit: 'fifo', admission: smallestFirst })).toEqual([
      'confirmed',
      'pending',
      'confirmed',
      'confirmed',
    ]);
  });
});

describe('simulate: admission rule, the change limit, and counting refusals', () => {
  const queue: SimulationEvent[] = [
    { type: 'create', actor: alice, at: min(0), draft: draft('09:00', '10:00', 6) },
    { type: 'create', actor: bob, at: min(1), draft: draft('09:00', '10:00', 5) },
    { type: 'create', actor: carol, at: min(2), draft: draft('09:00', '10:00', 4) },
  ];
  const admitDay: SimulationEvent = {
    type: 'admit',
    actor: admin,
    at: min(5),
    start: local('2026-12-10 00:00'),
    end: local('2026-12-11 00:00'),
    rejectRest: true,
  };

  it('admit events use the admission rule given: fifo takes 6 then 4; smallest first 4 then 5', () => {
    const fifoRun = simulate([...queue, admitDay], policy);
    expect([...fifoRun.reservations.values()].map((r) => r.status)).toEqual([
      'confirmed',
      'rejected',
      'confirmed',
    ]);
    const small = simulate([...queue, admitDay], policy, { admission: smallestFirst });
    expect([...small.reservations.values()].map((r) => r.status)).toEqual([
      'rejected',
      'confirmed',
      'confirmed',
    ]);
  });

  it("a changed pending booking must fit the confirmed load, and a user's changes are capped, as the service does", () => {
    const events: SimulationEvent[] = [
      ...queue,
      { type: 'confirm', actor: admin, id: 1, at: min(3) },
      // 6 confirmed: bob's pending 5 → 4 fits (6 + 4 = 10)…
      { type: 'update', actor: bob, id: 2, at: min(4), patch: { numberOfPeople: 4 } },
      // …but a second change by the owner passes the cap of 1.
      { type: 'update', actor: bob, id: 2, at: min(5), patch: { numberOfPeople: 3 } },
      // Carol's pending 4 → 5 does not fit next to the 6 confirmed: refused, as a booking would be.
      { type: 'update', actor: carol, id: 3, at: min(6), patch: { numberOfPeople: 5 } },
    ];
    const result = simulate(events, policy);
    expect(result.refusals.map((r) => [r.index, r.error.code])).toEqual([
      [5, 'too_many_changes'],
      [6, 'capacity_exceeded'],
    ]);
    expect(result.reservations.get(2)?.numberOfPeople).toBe(4);
    expect(result.refusalCount).toBe(2);
  });

  it("refusals: 'count' keeps none, but counts them all", () => {
    const events: SimulationEvent[] = [
      { type: 'confirm', actor: admin, id: 9, at: min(0) },
      ...queue,
      admitDay,
    ];
    const kept = simulate(events, policy);
    const counted = simulate(events, policy, { refusals: 'count' });
    expect(kept.refusals).toHaveLength(1);
    expect(counted.refusals).toEqual([]);
    expect(counted.refusalCount).toBe(1);
    expect([...counted.reservations.values()]).toEqual([...kept.reservations.values()]);
    expect([...kept.reservations.values()].find((r) => r.status === 'rejected')?.id).toBe(2);
  });
});

describe('simulate: the waiting list is an admission over the freed room', () => {
  const slot = policy.grid.slotMs;
  const day = local('2026-12-10 09:00');
  const users = [alice, bob, carol];
  /** Bookings, confirmations and changes by an admin that free room (cancel, shrink, move). */
  const id = fc.integer({ min: 1, max: 6 });
  const step = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant('create' as const),
        user: fc.integer({ min: 0, max: 2 }),
        from: fc.integer({ min: 0, max: 3 }),
        length: fc.integer({ min: 1, max: 3 }),
        people: fc.integer({ min: 1, max: 7 }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ type: fc.constant('confirm' as const), id }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('cancel' as const), id }) },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('update' as const),
        id,
        people: fc.integer({ min: 1, max: 7 }),
      }),
    },
  );

  it('with delay 0 it ends as an admin admitting (without rejecting) over each freed range right after the change', () => {
    let promoted = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 15, maxLength: 50, size: 'max' }), (steps) => {
        const events: SimulationEvent[] = steps.map((s, i) => {
          const at = min(i + 1);
          if (s.type === 'create') {
            const start = day + s.from * slot;
            const draft = {
              reservationName: 'Exam',
              start,
              end: start + s.length * slot,
              numberOfPeople: s.people,
            };
            return { type: 'create', actor: users[s.user]!, at, draft };
          }
          if (s.type === 'update') {
            return { type: 'update', actor: admin, at, id: s.id, patch: { numberOfPeople: s.people } };
          }
          return { type: s.type, actor: admin, at, id: s.id };
        });
        // The room each event freed, as the waiting list's run saw it (events are a minute apart).
        const freed = new Map<number, TimeRange>();
        const withList = simulate(events, policy, {
          autoAdmit: 'fifo',
          observer: {
            changed: ({ before, after, cause }) => {
              if (cause === 'waiting list') promoted++;
              const range = cause === 'waiting list' ? null : freedRange(before, after, policy.grid);
              const earlier = freed.get(after.updatedAt);
              if (range) freed.set(after.updatedAt, earlier ? coverRanges(earlier, range) : range);
            },
          },
        });
        const byAdmin = simulate(
          events.flatMap((e): SimulationEvent[] => {
            const range = freed.get(e.at);
            return range
              ? [e, { type: 'admit', actor: admin, at: e.at, start: range.start, end: range.end }]
              : [e];
          }),
          policy,
        );
        expect([...withList.reservations.values()]).toEqual([...byAdmin.reservations.values()]);
        expect(withList.loads).toEqual(byAdmin.loads);
      }),
    );
    // The runs were not trivial: the waiting list confirmed people in them.
    expect(promoted).toBeGreaterThan(40);
  });
});
