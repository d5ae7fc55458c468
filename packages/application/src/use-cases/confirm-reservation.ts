import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  confirm,
  type Reservation,
} from '@exam-reservation/domain';
import type { Clock, TransactionStores } from '../ports/index.js';
import { changeWithin } from '../support/change-reservation.js';
import { confirmTogether } from '../support/confirm-together.js';
import { type Action, type Decided, oneByOne } from '../wrappers/action.js';

export interface ConfirmReservationCommand {
  readonly actor: Actor;
  readonly id: number;
}

/**
 * An admin confirms a pending reservation; its people start to count against
 * capacity. Several confirmations in one unit of work are decided together
 * ({@link confirmTogether}), each as if alone, in order; one alone takes the
 * plain path of every change.
 */
export class ConfirmReservation implements Action<ConfirmReservationCommand, Reservation> {
  constructor(private readonly deps: { readonly clock: Clock; readonly policy: BookingPolicy }) {}

  /** Before any lookup or key: a user learns nothing about which ids exist. */
  static guard(command: ConfirmReservationCommand): void {
    assertAdmin(command.actor, 'confirm reservations');
  }

  decide(
    stores: TransactionStores,
    commands: readonly ConfirmReservationCommand[],
  ): Promise<Decided<Reservation>[]> {
    if (commands.length > 1)
      return confirmTogether(stores, this.deps.policy, commands, this.deps.clock.now());
    return this.alone(stores, commands);
  }

  private readonly alone = oneByOne((stores, command: ConfirmReservationCommand) =>
    changeWithin(stores, this.deps, {
      id: command.id,
      actor: command.actor,
      type: 'confirmed',
      decide: (r, now) => confirm(command.actor, r, now),
    }),
  );
}
