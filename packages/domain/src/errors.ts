import { formatInstant } from './time-zone.js';

/** Stable machine-readable codes, one per row of the API's error table. */
export type ErrorCode =
  | 'validation_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'capacity_exceeded'
  | 'invalid_state'
  | 'conflict'
  | 'rate_limited'
  | 'idempotency_in_progress'
  | 'idempotency_key_reused'
  | 'too_many_changes'
  | 'last_admin';

/** One problem with one input field; `path` uses the API's field names. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * Every refusal the rules can make. Adapters map `code` to a transport status;
 * anything that is not a `DomainError` is an internal fault.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
}

/** Bad input: every offending field, named by its API name in {@link ValidationError.errors}. */
export class ValidationError extends DomainError {
  readonly code = 'validation_error' as const;
  /**
   * @param firstBookable epoch ms of the first instant a reservation may start
   *   at, when the lead time was not met (adapters show it next to the errors)
   */
  constructor(
    readonly errors: readonly FieldError[],
    readonly firstBookable?: number,
  ) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; ') || 'invalid input');
    this.name = 'ValidationError';
  }

  static of(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

/** No caller, or not one who proved who they are (a bad token, a wrong password). */
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized' as const;
  constructor(message = 'authentication required') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** A known caller asking for something their role does not allow. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden' as const;
  constructor(message = 'not allowed') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** No such reservation, or one the caller may not see (the two are not told apart). */
export class NotFoundError extends DomainError {
  readonly code = 'not_found' as const;
  constructor(message = 'reservation not found') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/**
 * A change would put some slot over capacity. The message names the slot as
 * the API writes times, ISO 8601 with the offset of {@link timeZone}
 * ({@link formatInstant}); `+00:00` when the zone is not known.
 */
export class CapacityExceededError extends DomainError {
  readonly code = 'capacity_exceeded' as const;
  /**
   * @param slotStart epoch ms of the first slot that would go over capacity
   * @param available places that slot still has
   * @param requested places the change would add to it
   * @param timeZone the IANA zone the message writes the slot in
   */
  constructor(
    readonly slotStart: number,
    readonly available: number,
    readonly requested: number,
    readonly timeZone = 'UTC',
  ) {
    super(
      `slot starting ${formatInstant(slotStart, timeZone)} has ${Math.max(0, available)} places left, ${requested} requested`,
    );
    this.name = 'CapacityExceededError';
  }
}

/** The reservation's status does not allow the action (`status` and `action` say which). */
export class InvalidStateError extends DomainError {
  readonly code = 'invalid_state' as const;
  constructor(
    readonly status: string,
    readonly action: string,
  ) {
    super(`cannot ${action} a ${status} reservation`);
    this.name = 'InvalidStateError';
  }
}

/** The thing to create exists already (an e-mail that is registered). */
export class ConflictError extends DomainError {
  readonly code = 'conflict' as const;
  constructor(message = 'e-mail already registered') {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Too many attempts (failed log-ins, or new accounts); try again after {@link RateLimitedError.retryAfterSeconds}. */
export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited' as const;
  constructor(
    readonly retryAfterSeconds: number,
    message = 'too many failed attempts, try again later',
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/** A request with the same idempotency key is still being processed; try again later. */
export class IdempotencyInProgressError extends DomainError {
  readonly code = 'idempotency_in_progress' as const;
  constructor(message = 'a request with this Idempotency-Key is still being processed') {
    super(message);
    this.name = 'IdempotencyInProgressError';
  }
}

/** An idempotency key already used by this user for a different request (method, path or body). */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'idempotency_key_reused' as const;
  constructor(message = 'this Idempotency-Key was already used for a different request') {
    super(message);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** A user has changed this reservation as often as a user may ({@link TooManyChangesError.limit} times). */
export class TooManyChangesError extends DomainError {
  readonly code = 'too_many_changes' as const;
  constructor(readonly limit: number) {
    super(`a reservation may be changed at most ${limit} times by its owner; cancel it or book a new one`);
    this.name = 'TooManyChangesError';
  }
}

/** The change would leave no admin: the last admin account cannot be demoted. */
export class LastAdminError extends DomainError {
  readonly code = 'last_admin' as const;
  constructor(message = 'this is the last admin account; make another account an admin first') {
    super(message);
    this.name = 'LastAdminError';
  }
}
