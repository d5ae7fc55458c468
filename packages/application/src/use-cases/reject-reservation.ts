import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  type Reservation,
  reject,
  validateReason,
} from '@exam-reservation/domain';
import type { Clock } from '../ports/index.js';
import { changeWithin } from '../support/change-reservation.js';
import { type Action, oneByOne } from '../wrappers/action.js';

export interface RejectReservationCommand {
  readonly actor: Actor;
  readonly id: number;
  /** 1–500 characters; recorded in the audit trail. */
  readonly reason?: string | undefined;
}

/**
 * An admin rejects a pending reservation, with an optional reason that the
 * audit trail keeps. Rejected is final and holds no places.
 */
export class RejectReservation implements Action<RejectReservationCommand, Reservation> {
  constructor(private readonly deps: { readonly clock: Clock; readonly policy: BookingPolicy }) {}

  /** A user is refused before anything is read, so ids cannot be probed. */
  static check(command: RejectReservationCommand): void {
    assertAdmin(command.actor, 'reject reservations');
    if (command.reason !== undefined) validateReason(command.reason);
  }

  /** @throws ForbiddenError | ValidationError | NotFoundError | InvalidStateError */
  readonly decide = oneByOne((stores, command: RejectReservationCommand) => {
    RejectReservation.check(command);
    return changeWithin(stores, this.deps, {
      id: command.id,
      actor: command.actor,
      type: 'rejected',
      reason: command.reason ?? null,
      decide: (r, now) => reject(command.actor, r, now, command.reason),
    });
  });
}
