import { describe, expect, it } from 'vitest';
import { bookingPolicy } from './booking-policy.js';
import { InvalidStateError, NotFoundError, ValidationError } from './errors.js';
import {
  type Actor,
  newReservation,
  type Reservation,
  type ReservationStatus,
  update,
} from './reservation.js';
import { parseRequestTime } from './time-zone.js';

const SEOUL = 'Asia/Seoul';
const policy = bookingPolicy();
const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
/** 2026-12-01 09:00 in Seoul: bookable from 2026-12-04 00:00. */
const NOW = local('2026-12-01 09:00');
const LATER = NOW + 60_000;

const owner: Actor = { userId: 7, role: 'user' };
const stranger: Actor = { userId: 8, role: 'user' };
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

/** What `fn` throws; fails the test when it throws nothing. */
function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected an error to be thrown');
}

function validationPaths(fn: () => unknown): string[] {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe('validation_error');
  return (error as ValidationError).errors.map((e) => e.path);
}

function expectInvalidState(fn: () => unknown, status: ReservationStatus, action: string): void {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(InvalidStateError);
  expect(error).toMatchObject({ code: 'invalid_state', status, action });
}

function expectNotFound(fn: () => unknown): void {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(NotFoundError);
  expect((error as NotFoundError).code).toBe('not_found');
}

describe('update', () => {
  it('refuses an empty patch with validation_error', () => {
    expect(validationPaths(() => update(owner, reservation(), {}, policy, LATER))).toHaveLength(1);
    expect(
      validationPaths(() =>
        update(admin, reservation(), { start: undefined, end: undefined }, policy, LATER),
      ),
    ).toHaveLength(1);
  });

  it('lets the owner change a pending reservation', () => {
    const before = reservation();
    const t = update(
      owner,
      before,
      { reservationName: 'Final exam', start: local('2026-12-11 13:00'), end: local('2026-12-11 15:30') },
      policy,
      LATER,
    );
    expect(t.changed).toBe(true);
    expect(t.after).toEqual({
      ...before,
      reservationName: 'Final exam',
      start: local('2026-12-11 13:00'),
      end: local('2026-12-11 15:30'),
      updatedAt: LATER,
    });
  });

  it('refuses the owner changing a confirmed or cancelled reservation with invalid_state', () => {
    expectInvalidState(
      () => update(owner, reservation({ status: 'confirmed' }), { numberOfPeople: 5 }, policy, LATER),
      'confirmed',
      'update',
    );
    expectInvalidState(
      () => update(owner, reservation({ status: 'cancelled' }), { numberOfPeople: 5 }, policy, LATER),
      'cancelled',
      'update',
    );
  });

  it('lets an admin change a pending or confirmed reservation, keeping its status', () => {
    for (const status of ['pending', 'confirmed'] as const) {
      const t = update(admin, reservation({ status }), { numberOfPeople: 5 }, policy, LATER);
      expect(t.changed).toBe(true);
      expect(t.after.numberOfPeople).toBe(5);
      expect(t.after.status).toBe(status);
      expect(t.after.userId).toBe(owner.userId);
    }
  });

  it('refuses an admin changing a cancelled reservation with invalid_state', () => {
    expectInvalidState(
      () => update(admin, reservation({ status: 'cancelled' }), { numberOfPeople: 5 }, policy, LATER),
      'cancelled',
      'update',
    );
  });

  it('tells another user the reservation does not exist', () => {
    expectNotFound(() => update(stranger, reservation(), { numberOfPeople: 5 }, policy, LATER));
  });

  it('a patch that changes nothing is not a change', () => {
    const before = reservation();
    const t = update(owner, before, { numberOfPeople: 100, reservationName: 'Mock exam' }, policy, LATER);
    expect(t.changed).toBe(false);
    expect(t.after).toBe(before);
  });

  describe('validates the result', () => {
    const patchPaths = (patch: Parameters<typeof update>[2]) =>
      validationPaths(() => update(admin, reservation(), patch, policy, LATER));

    it('refuses times off the grid', () => {
      expect(patchPaths({ start: local('2026-12-10 09:05') })).toEqual(['start']);
      expect(patchPaths({ end: local('2026-12-10 10:01') })).toEqual(['end']);
      expect(patchPaths({ end: local('2026-12-10 10:00') + 1 })).toEqual(['end']);
    });

    it('refuses start >= end, including a new start after the old end', () => {
      expect(patchPaths({ end: local('2026-12-10 09:00') })).toEqual(['end']);
      expect(patchPaths({ start: local('2026-12-10 11:00') })).toEqual(['end']);
    });

    it('refuses a start before the lead-time boundary', () => {
      const end = local('2026-12-04 10:00');
      expect(patchPaths({ start: local('2026-12-03 23:50'), end })).toEqual(['start']);
      expect(
        update(admin, reservation(), { start: local('2026-12-04 00:00'), end }, policy, LATER).after.start,
      ).toBe(local('2026-12-04 00:00'));
    });

    it('refuses a result longer than maxReservationHours', () => {
      expect(patchPaths({ end: local('2026-12-11 10:00') })).toEqual(['end']);
      expect(update(admin, reservation(), { end: local('2026-12-11 09:00') }, policy, LATER).changed).toBe(
        true,
      );
    });

    it('refuses people outside 1..capacity', () => {
      expect(patchPaths({ numberOfPeople: 0 })).toEqual(['number_of_people']);
      expect(patchPaths({ numberOfPeople: 50_001 })).toEqual(['number_of_people']);
      expect(patchPaths({ numberOfPeople: 2.5 })).toEqual(['number_of_people']);
      expect(
        update(admin, reservation(), { numberOfPeople: 50_000 }, policy, LATER).after.numberOfPeople,
      ).toBe(50_000);
    });

    it('refuses an empty or too long name', () => {
      expect(patchPaths({ reservationName: '' })).toEqual(['reservation_name']);
      expect(patchPaths({ reservationName: '   ' })).toEqual(['reservation_name']);
      expect(patchPaths({ reservationName: 'x'.repeat(101) })).toEqual(['reservation_name']);
    });

    it('checks the whole result even when the patch touches one field', () => {
      // A reservation that has fallen inside the lead time can no longer be changed.
      const old = reservation({ start: local('2026-12-02 09:00'), end: local('2026-12-02 10:00') });
      expect(
        validationPaths(() => update(admin, old, { reservationName: 'Renamed' }, policy, LATER)),
      ).toEqual(['start']);
    });
  });
});

describe('newReservation', () => {
  const draft = {
    reservationName: 'Mock exam',
    start: local('2026-12-10 09:00'),
    end: local('2026-12-10 10:00'),
    numberOfPeople: 30,
  };

  it('makes a pending reservation owned by the actor, stamped now', () => {
    expect(newReservation(owner, draft, policy, NOW)).toEqual({
      userId: owner.userId,
      ...draft,
      status: 'pending',
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('refuses a draft that breaks a booking rule', () => {
    expect(
      validationPaths(() => newReservation(owner, { ...draft, numberOfPeople: 0 }, policy, NOW)),
    ).toEqual(['number_of_people']);
    expect(
      validationPaths(() =>
        newReservation(
          owner,
          { ...draft, start: local('2026-12-03 09:00'), end: local('2026-12-03 10:00') },
          policy,
          NOW,
        ),
      ),
    ).toEqual(['start']);
  });
});
