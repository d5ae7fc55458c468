import { type Actor, type BookingPolicy, cancel, type Reservation } from '@exam-reservation/domain';
import type { Clock, UnitOfWork } from '../ports/index.js';
import { changeReservation } from './change-reservation.js';

/** Cancels a reservation; a confirmed one frees its places. */
export class CancelReservation {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy }) {}

  /** @throws NotFoundError | InvalidStateError */
  execute(command: { actor: Actor; id: number }): Promise<Reservation> {
    return changeReservation(this.deps, command.id, command.actor.userId, 'cancelled', (r, now) =>
      cancel(command.actor, r, now),
    );
  }
}
