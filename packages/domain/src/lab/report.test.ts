import { describe, expect, it } from 'vitest';
import { type BookingDraft, bookingPolicy, policyDateRange } from '../booking-policy.js';
import type { Actor } from '../reservation.js';
import type { SimulationEvent } from '../simulate.js';
import { parseRequestTime } from '../time-zone.js';
import { smallestFirst } from './admission-policies.js';
import { runLab } from './report.js';

const SEOUL = 'Asia/Seoul';
const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
const T = local('2026-12-01 09:00');
const min = (n: number): number => T + n * 60_000;
const policy = bookingPolicy({ capacity: 10, timeZone: SEOUL });
const day = policyDateRange('2026-12-10', '2026-12-10', policy);
const user = (userId: number): Actor => ({ userId, role: 'user' });
const admin: Actor = { userId: 100, role: 'admin' };
const draft = (date: string, from: string, to: string, people: number): BookingDraft => ({
  reservationName: 'Exam',
  start: local(`${date} ${from}`),
  end: local(`${date} ${to}`),
  numberOfPeople: people,
});
/** The admin's admission of the morning, 09:00–12:00 (E, at 14:00, is outside it). */
const admitMorning = (at: number, rejectRest: boolean): SimulationEvent => ({
  type: 'admit',
  actor: admin,
  at,
  start: local('2026-12-10 09:00'),
  end: local('2026-12-10 12:00'),
  rejectRest,
});

/**
 * Capacity 10. A (6 people, 09:00–10:00), B (5, 09:00–09:30), C (3, 09:00–09:20) and E (1,
 * 14:00–14:10) book; X is inside the lead time; an admission at minute 10; D (4, 09:00–09:10)
 * then finds 09:00 full of confirmed people; at minute 30 a second admission rejects the rest.
 */
const events: SimulationEvent[] = [
  { type: 'create', actor: user(1), at: min(0), draft: draft('2026-12-10', '09:00', '10:00', 6) },
  { type: 'create', actor: user(2), at: min(1), draft: draft('2026-12-10', '09:00', '09:30', 5) },
  { type: 'create', actor: user(3), at: min(2), draft: draft('2026-12-10', '09:00', '09:20', 3) },
  { type: 'create', actor: user(5), at: min(3), draft: draft('2026-12-10', '14:00', '14:10', 1) },
  { type: 'create', actor: user(6), at: min(4), draft: draft('2026-12-02', '09:00', '09:10', 2) },
  admitMorning(min(10), false),
  { type: 'create', actor: user(4), at: min(20), draft: draft('2026-12-10', '09:00', '09:10', 4) },
];

describe('runLab: the report, on a scenario computed by hand', () => {
  it('fifo: A and C fit (9 at 09:00–09:20, 6 up to 10:00), B waits and is rejected at the second admission', () => {
    const report = runLab([...events, admitMorning(min(30), true)], policy, day);
    expect([...report.seatsPerSlot.values()]).toEqual([9, 9, 6, 6, 6, 6]);
    expect(report.seatSlots).toBe(42);
    expect(report.capacitySeatSlots).toBe(144 * 10);
    expect(report.utilisation).toBeCloseTo(42 / 1440, 12);
    expect(report.utilisationByHour[9]).toBeCloseTo(42 / 60, 12);
    expect(report.utilisationByHour.filter((u) => u > 0)).toHaveLength(1);
    expect(report.bookings).toEqual({ reservations: 6, people: 21 });
    expect(report.refusedBookings).toEqual({
      validation_error: { reservations: 1, people: 2 },
      capacity_exceeded: { reservations: 1, people: 4 },
    });
    expect(report.confirmed).toEqual({ admit: { reservations: 2, people: 9 } });
    expect(report.rejected).toEqual({ 'no capacity left': { reservations: 1, people: 5 } });
    expect(report.cancelled).toEqual({ reservations: 0, people: 0 });
    expect(report.pending).toEqual({ 'not considered': { reservations: 1, people: 1 } });
    // Decided: C after 8 min, A after 10, B after 29 (nearest rank: p50 the 2nd of 3, p99 the 3rd).
    expect(report.decisionMs).toEqual({ p50: 10 * 60_000, p99: 29 * 60_000, count: 3 });
    expect(report.orderViolations).toBe(0);
  });

  it('without the second admission B is left pending for want of room', () => {
    const report = runLab(events, policy, day);
    expect(report.pending).toEqual({
      'no capacity': { reservations: 1, people: 5 },
      'not considered': { reservations: 1, people: 1 },
    });
    expect(report.rejected).toEqual({});
    expect(report.decisionMs).toEqual({ p50: 8 * 60_000, p99: 10 * 60_000, count: 2 });
  });

  it('smallest first: C then B (8 at 09:00), A is passed over although it fitted first: one order violation', () => {
    const report = runLab([...events, admitMorning(min(30), true)], policy, day, {
      admission: smallestFirst,
    });
    expect([...report.seatsPerSlot.values()]).toEqual([8, 8, 5]);
    expect(report.seatSlots).toBe(21);
    expect(report.confirmed).toEqual({ admit: { reservations: 2, people: 8 } });
    expect(report.rejected).toEqual({ 'no capacity left': { reservations: 1, people: 6 } });
    expect(report.refusedBookings.capacity_exceeded).toEqual({ reservations: 1, people: 4 });
    expect(report.decisionMs).toEqual({ p50: 9 * 60_000, p99: 30 * 60_000, count: 3 });
    expect(report.orderViolations).toBe(1);
  });
});
