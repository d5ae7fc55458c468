import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from './errors.js';
import {
  type Actor,
  assertCanRead,
  cancel,
  confirm,
  type Reservation,
  type ReservationStatus,
  reject,
  validateReason,
} from './reservation.js';
import { parseRequestTime } from './time-zone.js';

const SEOUL = 'Asia/Seoul';
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

describe('assertCanRead', () => {
  it('lets the owner and admins read', () => {
    expect(() => assertCanRead(owner, reservation())).not.toThrow();
    expect(() => assertCanRead(admin, reservation())).not.toThrow();
  });

  it('tells anyone else the reservation does not exist', () => {
    expectNotFound(() => assertCanRead(stranger, reservation()));
  });
});

describe('confirm', () => {
  it('is for admins only: a user, even the owner, gets ForbiddenError', () => {
    for (const actor of [owner, stranger]) {
      const error = errorOf(() => confirm(actor, reservation(), LATER));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).code).toBe('forbidden');
    }
  });

  it('moves pending to confirmed and stamps updatedAt', () => {
    const before = reservation();
    const t = confirm(admin, before, LATER);
    expect(t.changed).toBe(true);
    expect(t.before).toBe(before);
    expect(t.after).toEqual({ ...before, status: 'confirmed', updatedAt: LATER });
    expect(before.status).toBe('pending');
  });

  it('is a no-op on a confirmed reservation', () => {
    const before = reservation({ status: 'confirmed' });
    const t = confirm(admin, before, LATER);
    expect(t.changed).toBe(false);
    expect(t.after).toBe(before);
    expect(t.after.updatedAt).toBe(before.updatedAt);
  });

  it('refuses a cancelled reservation with invalid_state', () => {
    expectInvalidState(
      () => confirm(admin, reservation({ status: 'cancelled' }), LATER),
      'cancelled',
      'confirm',
    );
  });
});

describe('reject', () => {
  it('moves pending to rejected and stamps updatedAt; the reason is optional', () => {
    const before = reservation();
    for (const reason of [undefined, 'the room is full']) {
      const t = reject(admin, before, LATER, reason);
      expect(t.changed).toBe(true);
      expect(t.after).toEqual({ ...before, status: 'rejected', updatedAt: LATER });
    }
    expect(before.status).toBe('pending');
  });

  it('is for admins only, checked before the reason and the status', () => {
    for (const actor of [owner, stranger]) {
      const error = errorOf(() => reject(actor, reservation({ status: 'confirmed' }), LATER, ''));
      expect(error).toBeInstanceOf(ForbiddenError);
    }
  });

  it('refuses a reason that is empty, over 500 characters, or holds a NUL or an unpaired surrogate', () => {
    for (const reason of ['', 'x'.repeat(501), 'a\0b', 'broken \uD800 pair', '\uDC00 reversed \uD800']) {
      expect(validationPaths(() => reject(admin, reservation(), LATER, reason))).toEqual(['reason']);
    }
  });

  it('counts the reason in characters: 500 emoji (1,000 UTF-16 units) are allowed', () => {
    expect(() => validateReason('😀'.repeat(500))).not.toThrow();
    expect(() => validateReason('x'.repeat(500))).not.toThrow();
    expect(() => validateReason('line one\nline two\t✓')).not.toThrow();
    expect(validationPaths(() => validateReason('😀'.repeat(501)))).toEqual(['reason']);
  });
});

describe('cancel', () => {
  it('takes an optional reason of 1–500 characters, as a rejection does', () => {
    expect(cancel(owner, reservation(), LATER, 'plans changed').after.status).toBe('cancelled');
    for (const bad of ['', 'x'.repeat(501)]) {
      expect(() => cancel(owner, reservation(), LATER, bad)).toThrow(ValidationError);
    }
  });

  it('lets the owner cancel a pending reservation', () => {
    const t = cancel(owner, reservation(), LATER);
    expect(t.changed).toBe(true);
    expect(t.after.status).toBe('cancelled');
    expect(t.after.updatedAt).toBe(LATER);
  });

  it('refuses the owner cancelling a confirmed reservation with invalid_state', () => {
    expectInvalidState(
      () => cancel(owner, reservation({ status: 'confirmed' }), LATER),
      'confirmed',
      'cancel',
    );
  });

  it('lets an admin cancel a pending or confirmed reservation of anyone', () => {
    for (const status of ['pending', 'confirmed'] as const) {
      const t = cancel(admin, reservation({ status }), LATER);
      expect(t.changed).toBe(true);
      expect(t.after.status).toBe('cancelled');
    }
  });

  it('is a no-op on a cancelled reservation, for the owner and for an admin', () => {
    for (const actor of [owner, admin]) {
      const before = reservation({ status: 'cancelled' });
      const t = cancel(actor, before, LATER);
      expect(t.changed).toBe(false);
      expect(t.after).toBe(before);
    }
  });

  it('tells another user the reservation does not exist, whatever its status', () => {
    for (const status of ['pending', 'confirmed', 'cancelled'] as const) {
      expectNotFound(() => cancel(stranger, reservation({ status }), LATER));
    }
  });
});
