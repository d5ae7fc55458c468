import { type Actor, type BookingPolicy, confirm, type Reservation } from '@exam-reservation/domain';
import type { Clock, UnitOfWork } from '../ports/index.js';
import { changeReservation } from './change-reservation.js';

/** An admin confirms a pending reservation; its people start to count against capacity. */
export class ConfirmReservation {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy }) {}

  /** @throws NotFoundError | ForbiddenError | InvalidStateError | CapacityExceededError (left pending) */
  execute(command: { actor: Actor; id: number }): Promise<Reservation> {
    return changeReservation(this.deps, command.id, command.actor.userId, 'confirmed', (r, now) =>
      confirm(command.actor, r, now),
    );
  }
}
