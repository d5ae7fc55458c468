import { type Actor, assertAdmin, type BookingPolicy, type Reservation } from '@exam-reservation/domain';
import type { Clock } from '../ports/index.js';
import { assertBulkIds, type BulkOutcome } from '../support/bulk.js';
import { confirmTogether } from '../support/confirm-together.js';
import { type Action, oneByOne } from '../wrappers/action.js';

export interface BulkCommand {
  readonly actor: Actor;
  /** 1–1,000 distinct reservation ids, decided in this order. */
  readonly ids: readonly number[];
}

/**
 * An admin confirms many reservations at once: each id is decided as if it
 * had been confirmed alone, one after another in the order given, on the
 * same path as batched single confirmations ({@link confirmTogether}), in
 * one unit of work.
 */
export class BulkConfirmReservations implements Action<BulkCommand, BulkOutcome<Reservation>[]> {
  constructor(private readonly deps: { readonly clock: Clock; readonly policy: BookingPolicy }) {}

  /** A user, or a bad id list, is refused before anything is read. */
  static check(command: BulkCommand): void {
    assertAdmin(command.actor, 'confirm reservations');
    assertBulkIds(command.ids);
  }

  /** @returns one outcome per id, in the order given */
  readonly decide = oneByOne(async (stores, command: BulkCommand) => {
    BulkConfirmReservations.check(command);
    const decided = await confirmTogether(
      stores,
      this.deps.policy,
      command.ids.map((id) => ({ actor: command.actor, id })),
      this.deps.clock.now(),
    );
    return decided.map((outcome, i): BulkOutcome<Reservation> => ({ id: command.ids[i]!, ...outcome }));
  });
}
