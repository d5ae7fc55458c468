import {
  type Actor,
  assertAdmin,
  DomainError,
  NotFoundError,
  type Reservation,
  reject,
  type Transition,
  validateReason,
} from '@exam-reservation/domain';
import type { Clock } from '../ports/index.js';
import { assertBulkIds, type BulkOutcome } from '../support/bulk.js';
import { type Action, oneByOne } from '../wrappers/action.js';

export interface BulkRejectCommand {
  readonly actor: Actor;
  /** 1–1,000 distinct reservation ids, decided in this order. */
  readonly ids: readonly number[];
  /** 1–500 characters, recorded with every rejection. */
  readonly reason?: string | undefined;
}

/**
 * An admin rejects many reservations at once: each id is decided as if it
 * had been rejected alone, in the order given, in one unit of work that
 * locks them in ascending id order. Rejections hold no places, so the slot
 * ledger is not touched.
 */
export class BulkRejectReservations implements Action<BulkRejectCommand, BulkOutcome<Reservation>[]> {
  constructor(private readonly deps: { readonly clock: Clock }) {}

  /** A user, a bad id list or reason, is refused before anything is read. */
  static check(command: BulkRejectCommand): void {
    assertAdmin(command.actor, 'reject reservations');
    assertBulkIds(command.ids);
    if (command.reason !== undefined) validateReason(command.reason);
  }

  /** @returns one outcome per id, in the order given */
  readonly decide = oneByOne(async (stores, command: BulkRejectCommand) => {
    BulkRejectReservations.check(command);
    const { actor, reason } = command;
    const current = new Map((await stores.reservations.getManyForUpdate(command.ids)).map((r) => [r.id, r]));
    const now = this.deps.clock.now();
    const outcomes: BulkOutcome<Reservation>[] = [];
    const changed: Transition[] = [];
    for (const id of command.ids) {
      const reservation = current.get(id);
      if (!reservation) {
        outcomes.push({ id, error: new NotFoundError() });
        continue;
      }
      let transition: Transition;
      try {
        transition = reject(actor, reservation, now, reason);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes.push({ id, error });
        continue;
      }
      if (transition.changed) changed.push(transition);
      outcomes.push({ id, ok: transition.after });
    }
    await stores.reservations.saveAll(changed.map((t) => t.after));
    await stores.events.appendAll(
      changed.map(({ before, after }) => ({
        reservationId: after.id,
        type: 'rejected' as const,
        actorId: actor.userId,
        actorRole: actor.role,
        reason: reason ?? null,
        at: now,
        before,
        after,
      })),
    );
    return outcomes;
  });
}
