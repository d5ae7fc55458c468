import { type BookingDraft, type BookingPolicy, validateDraft } from './booking-policy.js';
import { rangeLoad, type SlotDelta, sumDeltas } from './capacity.js';
import {
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  TooManyChangesError,
  ValidationError,
} from './errors.js';
import type { SlotGrid } from './slot-grid.js';
import { TimeRange } from './time-range.js';

/** Where a reservation stands; only `confirmed` ones hold places. `rejected` is final, as is `cancelled`. */
export type ReservationStatus = 'pending' | 'confirmed' | 'cancelled' | 'rejected';
/** What an account may do: admins confirm, reject and admit, and may change or cancel any reservation. */
export type Role = 'user' | 'admin';

/** Who is asking. */
export interface Actor {
  readonly userId: number;
  readonly role: Role;
}

/** A booking as stored: the draft's fields, who made it, its status, and when it was made and last changed. */
export interface Reservation extends BookingDraft {
  readonly id: number;
  readonly userId: number;
  readonly status: ReservationStatus;
  /** epoch ms */
  readonly createdAt: number;
  /** epoch ms */
  readonly updatedAt: number;
}

/** Fields an update may change; at least one must be present. */
export type ReservationPatch = Partial<BookingDraft>;

/** The outcome of a rule: the reservation after it, and whether anything changed. */
export interface Transition {
  readonly before: Reservation;
  readonly after: Reservation;
  readonly changed: boolean;
}

const isOwner = (actor: Actor, r: Reservation): boolean => r.userId === actor.userId;
/** Whether the actor holds the admin role (what every admin-only rule asks). */
export const isAdmin = (actor: Actor): boolean => actor.role === 'admin';

/**
 * Reading: the owner or an admin. Anyone else is told it does not exist, so
 * ids of other people's reservations cannot be probed.
 * @throws NotFoundError
 */
export function assertCanRead(actor: Actor, reservation: Reservation): void {
  if (!isOwner(actor, reservation) && !isAdmin(actor)) throw new NotFoundError();
}

/**
 * Admin-only actions (confirming, rejecting, bulk actions, admission) check
 * this before anything is read, so a user learns nothing about which ids
 * exist.
 * @throws ForbiddenError
 */
export function assertAdmin(actor: Actor, action: string): void {
  if (!isAdmin(actor)) throw new ForbiddenError(`only an admin may ${action}`);
}

/**
 * Confirming: admins only; pending → confirmed, confirmed is a no-op,
 * cancelled and rejected are refused.
 * @throws ForbiddenError | InvalidStateError
 */
export function confirm(actor: Actor, reservation: Reservation, now: number): Transition {
  assertAdmin(actor, 'confirm reservations');
  switch (reservation.status) {
    case 'confirmed':
      return { before: reservation, after: reservation, changed: false };
    case 'cancelled':
    case 'rejected':
      throw new InvalidStateError(reservation.status, 'confirm');
    case 'pending':
      return change(reservation, { status: 'confirmed' }, now);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Longest reason a rejection may give, in characters (code points). */
export const MAX_REASON_LENGTH = 500;

/**
 * Checks a rejection reason: 1–500 characters, no NUL and no unpaired
 * surrogate (neither can be stored as text faithfully). Line breaks and
 * other characters are the admin's to choose.
 * @throws ValidationError on path `reason`
 */
export function validateReason(reason: string): void {
  const length = [...reason].length;
  if (length < 1 || length > MAX_REASON_LENGTH) {
    throw ValidationError.of('reason', `must be 1–${MAX_REASON_LENGTH} characters`);
  }
  if (reason.includes('\0') || LONE_SURROGATE.test(reason)) {
    throw ValidationError.of('reason', 'must not contain NUL or unpaired surrogates');
  }
}

/**
 * Rejecting: admins only; pending → rejected, with an optional reason for
 * the audit trail. Rejected is final: rejecting it again is a no-op. A
 * confirmed reservation is refused (cancel it instead), as is a cancelled one.
 * @throws ForbiddenError | ValidationError | InvalidStateError
 */
export function reject(actor: Actor, reservation: Reservation, now: number, reason?: string): Transition {
  assertAdmin(actor, 'reject reservations');
  if (reason !== undefined) validateReason(reason);
  switch (reservation.status) {
    case 'rejected':
      return { before: reservation, after: reservation, changed: false };
    case 'confirmed':
    case 'cancelled':
      throw new InvalidStateError(reservation.status, 'reject');
    case 'pending':
      return change(reservation, { status: 'rejected' }, now);
  }
}

/**
 * Cancelling: the owner while pending, an admin while pending or confirmed;
 * cancelling a cancelled reservation is a no-op; a rejected one is refused
 * (it holds nothing and is final). A reason, if given, is 1–500 characters.
 * @throws NotFoundError | InvalidStateError | ValidationError
 */
export function cancel(actor: Actor, reservation: Reservation, now: number, reason?: string): Transition {
  assertCanRead(actor, reservation);
  if (reason !== undefined) validateReason(reason);
  if (reservation.status === 'cancelled') return { before: reservation, after: reservation, changed: false };
  if (reservation.status === 'rejected' || (!isAdmin(actor) && reservation.status !== 'pending')) {
    throw new InvalidStateError(reservation.status, 'cancel');
  }
  return change(reservation, { status: 'cancelled' }, now);
}

/**
 * Updating: the owner while pending, an admin at any status but cancelled or rejected.
 * The result must satisfy every booking rule. Capacity is the caller's to
 * check, with {@link confirmedLoadDelta} (a reservation's own old load is not
 * counted against its new one).
 * @throws NotFoundError | InvalidStateError | ValidationError
 */
export function update(
  actor: Actor,
  reservation: Reservation,
  patch: ReservationPatch,
  policy: BookingPolicy,
  now: number,
): Transition {
  assertCanRead(actor, reservation);
  const keys = (['reservationName', 'start', 'end', 'numberOfPeople'] as const).filter(
    (k) => patch[k] !== undefined,
  );
  if (keys.length === 0) throw ValidationError.of('', 'an update must change at least one field');
  if (
    reservation.status === 'cancelled' ||
    reservation.status === 'rejected' ||
    (!isAdmin(actor) && reservation.status !== 'pending')
  ) {
    throw new InvalidStateError(reservation.status, 'update');
  }
  const draft: BookingDraft = {
    reservationName: patch.reservationName ?? reservation.reservationName,
    start: patch.start ?? reservation.start,
    end: patch.end ?? reservation.end,
    numberOfPeople: patch.numberOfPeople ?? reservation.numberOfPeople,
  };
  validateDraft(draft, policy, now);
  const changed = keys.some((k) => draft[k] !== reservation[k]);
  return changed ? change(reservation, draft, now) : { before: reservation, after: reservation, changed };
}

/**
 * The cap on a user's changes: a user who has already made
 * `maxChangesPerReservation` updates of a reservation may make no more (its
 * history stays bounded). Admins are not limited. Only updates count:
 * booking it is not a change, and cancelling stays possible at the cap, so
 * nobody is left holding a reservation they cannot get rid of.
 * @param updatesSoFar the updates this user has made to it, as a user
 * @throws TooManyChangesError
 */
export function assertChangesLeft(actor: Actor, updatesSoFar: number, policy: BookingPolicy): void {
  if (isAdmin(actor)) return;
  if (updatesSoFar >= policy.maxChangesPerReservation) {
    throw new TooManyChangesError(policy.maxChangesPerReservation);
  }
}

/**
 * A new pending reservation (without id): checks every booking rule.
 * Whether it fits the current confirmed load is the caller's to check.
 * @throws ValidationError
 */
export function newReservation(
  actor: Actor,
  draft: BookingDraft,
  policy: BookingPolicy,
  now: number,
): Omit<Reservation, 'id'> {
  validateDraft(draft, policy, now);
  return {
    userId: actor.userId,
    reservationName: draft.reservationName,
    start: draft.start,
    end: draft.end,
    numberOfPeople: draft.numberOfPeople,
    status: 'pending',
    createdAt: now,
    updatedAt: now,
  };
}

function change(reservation: Reservation, fields: Partial<Reservation>, now: number): Transition {
  return { before: reservation, after: { ...reservation, ...fields, updatedAt: now }, changed: true };
}

/** The time range a reservation covers. */
export function rangeOf(reservation: BookingDraft): TimeRange {
  return TimeRange.of(reservation.start, reservation.end);
}

/**
 * How a transition changes the confirmed load, slot by slot, in ascending slot
 * order with zero deltas left out: the load of `after` (if confirmed) minus
 * the load of `before` (if confirmed). Ascending order is the lock order of
 * any store that locks slots.
 */
export function confirmedLoadDelta(
  before: Reservation | null,
  after: Reservation | null,
  grid: SlotGrid,
): SlotDelta[] {
  const load = (r: Reservation | null, sign: 1 | -1): SlotDelta[] =>
    r?.status === 'confirmed' ? rangeLoad(rangeOf(r), sign * r.numberOfPeople, grid) : [];
  return sumDeltas([...load(before, -1), ...load(after, 1)]);
}
