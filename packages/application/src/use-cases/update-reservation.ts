import {
  type Actor,
  type BookingPolicy,
  type Reservation,
  type ReservationPatch,
  update,
} from '@exam-reservation/domain';
import type { Clock, UnitOfWork } from '../ports/index.js';
import { changeReservation } from '../support/change-reservation.js';

/**
 * Changes name, times or head count. For a confirmed reservation the ledger
 * takes its old load out and its new load in as one change, so its own old
 * load never counts against the new one. A user may change one reservation
 * at most `policy.maxChangesPerReservation` times; a change that changes
 * nothing is not counted.
 */
export class UpdateReservation {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy }) {}

  /** @throws NotFoundError | InvalidStateError | ValidationError | CapacityExceededError | TooManyChangesError */
  execute(command: { actor: Actor; id: number; patch: ReservationPatch }): Promise<Reservation> {
    return changeReservation(this.deps, {
      id: command.id,
      actor: command.actor,
      type: 'updated',
      decide: (r, now) => update(command.actor, r, command.patch, this.deps.policy, now),
    });
  }
}
