import { type Actor, cancel, type Reservation } from '@exam-reservation/domain';
import {
  type ChangeDeps,
  type ChangeRequest,
  changeReservation,
  changeWithin,
} from './change-reservation.js';
import { type IdempotencyDeps, type Once, type OnceAnswer, runOnce } from './idempotency.js';

export interface CancelReservationCommand {
  readonly actor: Actor;
  readonly id: number;
}

/** Cancels a reservation; a confirmed one frees its places. */
export class CancelReservation {
  constructor(private readonly deps: ChangeDeps & IdempotencyDeps) {}

  /** @throws NotFoundError | InvalidStateError */
  execute(command: CancelReservationCommand): Promise<Reservation> {
    return changeReservation(this.deps, this.request(command));
  }

  /** {@link execute} at most once per key; refusals are answered (and stored), not thrown. */
  executeOnce(command: CancelReservationCommand, once: Once<Reservation>): Promise<OnceAnswer> {
    return runOnce(this.deps, command.actor.userId, once, (stores) =>
      changeWithin(stores, this.deps, this.request(command)),
    );
  }

  private request(command: CancelReservationCommand): ChangeRequest {
    return {
      id: command.id,
      actor: command.actor,
      type: 'cancelled',
      decide: (r, now) => cancel(command.actor, r, now),
    };
  }
}
