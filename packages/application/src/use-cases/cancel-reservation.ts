import { type Actor, type BookingPolicy, cancel, type Reservation } from '@exam-reservation/domain';
import type { Clock } from '../ports/index.js';
import { changeWithin } from '../support/change-reservation.js';
import { type Action, oneByOne } from '../wrappers/action.js';

export interface CancelReservationCommand {
  readonly actor: Actor;
  readonly id: number;
  /** 1–500 characters; recorded in the audit trail. */
  readonly reason?: string | undefined;
}

/** Cancels a reservation; a confirmed one frees its places. */
export class CancelReservation implements Action<CancelReservationCommand, Reservation> {
  constructor(private readonly deps: { readonly clock: Clock; readonly policy: BookingPolicy }) {}

  /** @throws NotFoundError | InvalidStateError | ValidationError */
  readonly decide = oneByOne((stores, command: CancelReservationCommand) =>
    changeWithin(stores, this.deps, {
      id: command.id,
      actor: command.actor,
      type: 'cancelled',
      reason: command.reason ?? null,
      decide: (r, now) => cancel(command.actor, r, now, command.reason),
    }),
  );
}
