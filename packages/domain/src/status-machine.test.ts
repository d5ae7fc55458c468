import { describe, expect, it } from 'vitest';
import { bookingPolicy } from './booking-policy.js';
import {
  type Actor,
  cancel,
  confirm,
  type Reservation,
  type ReservationStatus,
  reject,
  type Transition,
  update,
} from './reservation.js';
import { parseRequestTime } from './time-zone.js';

const policy = bookingPolicy();
const local = (text: string): number => parseRequestTime(text, 'Asia/Seoul', 'time');
const NOW = local('2026-12-01 09:00');
const LATER = NOW + 60_000;

const roles = {
  owner: { userId: 7, role: 'user' },
  stranger: { userId: 8, role: 'user' },
  admin: { userId: 1, role: 'admin' },
} as const satisfies Record<string, Actor>;
type RoleName = keyof typeof roles;

const actions = {
  confirm: (actor: Actor, r: Reservation) => confirm(actor, r, LATER),
  reject: (actor: Actor, r: Reservation) => reject(actor, r, LATER, 'full'),
  cancel: (actor: Actor, r: Reservation) => cancel(actor, r, LATER),
  update: (actor: Actor, r: Reservation) => update(actor, r, { numberOfPeople: 5 }, policy, LATER),
} as const satisfies Record<string, (actor: Actor, r: Reservation) => Transition>;
type ActionName = keyof typeof actions;

/** `→ status` for a change, `no-op`, or the error code. */
type Expected = `→ ${ReservationStatus}` | 'no-op' | 'forbidden' | 'not_found' | 'invalid_state';

/**
 * The whole status machine: every status × action × role. Users other than
 * the owner are told a reservation does not exist; admin-only actions tell
 * every user "forbidden" first.
 */
const TABLE: Record<ReservationStatus, Record<ActionName, Record<RoleName, Expected>>> = {
  pending: {
    confirm: { owner: 'forbidden', stranger: 'forbidden', admin: '→ confirmed' },
    reject: { owner: 'forbidden', stranger: 'forbidden', admin: '→ rejected' },
    cancel: { owner: '→ cancelled', stranger: 'not_found', admin: '→ cancelled' },
    update: { owner: '→ pending', stranger: 'not_found', admin: '→ pending' },
  },
  confirmed: {
    confirm: { owner: 'forbidden', stranger: 'forbidden', admin: 'no-op' },
    reject: { owner: 'forbidden', stranger: 'forbidden', admin: 'invalid_state' },
    cancel: { owner: 'invalid_state', stranger: 'not_found', admin: '→ cancelled' },
    update: { owner: 'invalid_state', stranger: 'not_found', admin: '→ confirmed' },
  },
  cancelled: {
    confirm: { owner: 'forbidden', stranger: 'forbidden', admin: 'invalid_state' },
    reject: { owner: 'forbidden', stranger: 'forbidden', admin: 'invalid_state' },
    cancel: { owner: 'no-op', stranger: 'not_found', admin: 'no-op' },
    update: { owner: 'invalid_state', stranger: 'not_found', admin: 'invalid_state' },
  },
  rejected: {
    confirm: { owner: 'forbidden', stranger: 'forbidden', admin: 'invalid_state' },
    reject: { owner: 'forbidden', stranger: 'forbidden', admin: 'no-op' },
    cancel: { owner: 'invalid_state', stranger: 'not_found', admin: 'invalid_state' },
    update: { owner: 'invalid_state', stranger: 'not_found', admin: 'invalid_state' },
  },
};

const rows = Object.entries(TABLE).flatMap(([status, byAction]) =>
  Object.entries(byAction).flatMap(([action, byRole]) =>
    Object.entries(byRole).map(
      ([role, expected]) =>
        [status as ReservationStatus, action as ActionName, role as RoleName, expected] as const,
    ),
  ),
);

function reservation(status: ReservationStatus): Reservation {
  return {
    id: 1,
    userId: roles.owner.userId,
    reservationName: 'Mock exam',
    start: local('2026-12-10 09:00'),
    end: local('2026-12-10 10:00'),
    numberOfPeople: 100,
    status,
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 3_600_000,
  };
}

function outcome(action: ActionName, role: RoleName, status: ReservationStatus): Expected {
  const before = reservation(status);
  let t: Transition;
  try {
    t = actions[action](roles[role], before);
  } catch (error) {
    return (error as { code: Expected }).code;
  }
  if (!t.changed) {
    expect(t.after).toBe(before);
    return 'no-op';
  }
  expect(t.before).toBe(before);
  expect(t.after.updatedAt).toBe(LATER);
  expect(t.after.userId).toBe(before.userId);
  return `→ ${t.after.status}`;
}

describe('the status machine', () => {
  it('has a row for every status × action × role', () => {
    expect(rows).toHaveLength(4 * 4 * 3);
  });

  it.each(rows)('%s, %s by the %s: %s', (status, action, role, expected) => {
    expect(outcome(action, role, status)).toBe(expected);
  });
});
