import { expect } from 'vitest';
import { InvalidStateError, NotFoundError, ValidationError } from '../errors.js';
import type { Actor, Reservation, ReservationStatus } from '../reservation.js';
import { parseRequestTime } from '../time-zone.js';

/** Fixtures the reservation tests share (not part of the package's build). */
export const SEOUL = 'Asia/Seoul';
export const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
/** 2026-12-01 09:00 in Seoul: bookable from 2026-12-04 00:00. */
export const NOW = local('2026-12-01 09:00');
export const LATER = NOW + 60_000;

export const owner: Actor = { userId: 7, role: 'user' };
export const stranger: Actor = { userId: 8, role: 'user' };
export const admin: Actor = { userId: 1, role: 'admin' };

export function reservation(fields: Partial<Reservation> = {}): Reservation {
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
export function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected an error to be thrown');
}

export function validationPaths(fn: () => unknown): string[] {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe('validation_error');
  return (error as ValidationError).errors.map((e) => e.path);
}

export function expectInvalidState(fn: () => unknown, status: ReservationStatus, action: string): void {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(InvalidStateError);
  expect(error).toMatchObject({ code: 'invalid_state', status, action });
}

export function expectNotFound(fn: () => unknown): void {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(NotFoundError);
  expect((error as NotFoundError).code).toBe('not_found');
}
