import { type Actor, assertAdmin, type Reservation, reject, validateReason } from '@exam-reservation/domain';
import type { TransactionStores } from '../ports/index.js';
import { type ChangeDeps, changeWithin } from './change-reservation.js';
import { type IdempotencyDeps, type Once, type OnceAnswer, runOnce } from './idempotency.js';

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
export class RejectReservation {
  constructor(private readonly deps: ChangeDeps & IdempotencyDeps) {}

  /**
   * A user is refused before anything is read, so ids cannot be probed.
   * @throws ForbiddenError | ValidationError | NotFoundError | InvalidStateError
   */
  async execute(command: RejectReservationCommand): Promise<Reservation> {
    this.check(command);
    return this.deps.uow.run((stores) => this.within(stores, command));
  }

  /** {@link execute} at most once per key; refusals are answered (and stored), not thrown. */
  executeOnce(command: RejectReservationCommand, once: Once<Reservation>): Promise<OnceAnswer> {
    return runOnce(this.deps, command.actor.userId, once, async (stores) => {
      this.check(command);
      return this.within(stores, command);
    });
  }

  private check(command: RejectReservationCommand): void {
    assertAdmin(command.actor, 'reject reservations');
    if (command.reason !== undefined) validateReason(command.reason);
  }

  private within(stores: TransactionStores, command: RejectReservationCommand): Promise<Reservation> {
    return changeWithin(stores, this.deps, {
      id: command.id,
      actor: command.actor,
      type: 'rejected',
      reason: command.reason ?? null,
      decide: (r, now) => reject(command.actor, r, now, command.reason),
    });
  }
}
