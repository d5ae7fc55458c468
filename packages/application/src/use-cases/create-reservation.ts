import {
  type Actor,
  type BookingDraft,
  type BookingPolicy,
  findOverflow,
  newReservation,
  type Reservation,
  rangeOf,
} from '@exam-reservation/domain';
import type { Clock, UnitOfWork } from '../ports/index.js';

/**
 * Books a pending reservation. It is refused at once when the confirmed load
 * already leaves no room for it; pending reservations hold no places, so the
 * binding check is at confirmation.
 */
export class CreateReservation {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy }) {}

  /** @throws ValidationError | CapacityExceededError */
  async execute(command: { actor: Actor; draft: BookingDraft }): Promise<Reservation> {
    const { uow, clock, policy } = this.deps;
    const now = clock.now();
    const fresh = newReservation(command.actor, command.draft, policy, now);
    const range = rangeOf(fresh);
    return uow.run(async (stores) => {
      const loads = await stores.ledger.loadsIn(range.start, range.end);
      const overflow = findOverflow(loads, range, fresh.numberOfPeople, policy.capacity, policy.grid);
      if (overflow) throw overflow;
      const created = await stores.reservations.insert(fresh);
      await stores.events.append({
        reservationId: created.id,
        type: 'created',
        actorId: command.actor.userId,
        at: now,
        before: null,
        after: created,
      });
      return created;
    });
  }
}
