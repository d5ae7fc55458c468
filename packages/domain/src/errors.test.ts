import { describe, expect, it } from 'vitest';
import {
  CapacityExceededError,
  ConflictError,
  DomainError,
  type ErrorCode,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidStateError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from './errors.js';

describe('domain errors', () => {
  const cases: [DomainError, ErrorCode, string][] = [
    [ValidationError.of('start', 'bad'), 'validation_error', 'ValidationError'],
    [new UnauthorizedError(), 'unauthorized', 'UnauthorizedError'],
    [new ForbiddenError(), 'forbidden', 'ForbiddenError'],
    [new NotFoundError(), 'not_found', 'NotFoundError'],
    [new CapacityExceededError(0, 5, 10), 'capacity_exceeded', 'CapacityExceededError'],
    [new InvalidStateError('cancelled', 'confirm'), 'invalid_state', 'InvalidStateError'],
    [new ConflictError(), 'conflict', 'ConflictError'],
    [new RateLimitedError(30), 'rate_limited', 'RateLimitedError'],
    [new IdempotencyInProgressError(), 'idempotency_in_progress', 'IdempotencyInProgressError'],
    [new IdempotencyKeyReusedError(), 'idempotency_key_reused', 'IdempotencyKeyReusedError'],
  ];

  it.each(cases)('%s has a stable code and name', (error, code, name) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('every code of the API error table has exactly one error class', () => {
    expect(cases.map(([, code]) => code).sort()).toEqual(
      [
        'capacity_exceeded',
        'conflict',
        'forbidden',
        'idempotency_in_progress',
        'idempotency_key_reused',
        'invalid_state',
        'not_found',
        'rate_limited',
        'unauthorized',
        'validation_error',
      ].sort(),
    );
  });

  it('ValidationError keeps its field errors and lists them in the message', () => {
    const error = new ValidationError([
      { path: 'start', message: 'off grid' },
      { path: 'end', message: 'must be after start' },
    ]);
    expect(error.errors).toEqual([
      { path: 'start', message: 'off grid' },
      { path: 'end', message: 'must be after start' },
    ]);
    expect(error.message).toBe('start: off grid; end: must be after start');
    expect(new ValidationError([]).message).toBe('invalid input');
  });

  it('CapacityExceededError names the slot and never reports negative room', () => {
    const slot = Date.parse('2026-12-10T00:00:00Z');
    const error = new CapacityExceededError(slot, -3, 10);
    expect(error.slotStart).toBe(slot);
    expect(error.available).toBe(-3);
    expect(error.requested).toBe(10);
    expect(error.message).toBe('slot starting 2026-12-10T00:00:00+00:00 has 0 places left, 10 requested');
  });

  it('CapacityExceededError writes the slot with the offset of its zone, as the API does', () => {
    const slot = Date.parse('2026-12-10T00:30:00Z');
    const error = new CapacityExceededError(slot, 20_000, 30_000, 'Asia/Seoul');
    expect(error.message).toBe(
      'slot starting 2026-12-10T09:30:00+09:00 has 20000 places left, 30000 requested',
    );
    expect(error.timeZone).toBe('Asia/Seoul');
  });

  it('InvalidStateError says what was refused', () => {
    const error = new InvalidStateError('confirmed', 'cancel');
    expect(error.status).toBe('confirmed');
    expect(error.action).toBe('cancel');
    expect(error.message).toBe('cannot cancel a confirmed reservation');
  });

  it('RateLimitedError carries the retry delay', () => {
    expect(new RateLimitedError(42).retryAfterSeconds).toBe(42);
  });
});
