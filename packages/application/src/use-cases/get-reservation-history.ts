import { type Actor, assertCanRead, NotFoundError } from '@exam-reservation/domain';
import type { RecordedReservationEvent, UnitOfWork } from '../ports/index.js';

/**
 * Every change of a reservation from its audit trail, oldest first: for its
 * owner and admins; anyone else is told it does not exist.
 */
export class GetReservationHistory {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /** @throws NotFoundError */
  async execute(query: { actor: Actor; id: number }): Promise<RecordedReservationEvent[]> {
    return this.deps.uow.read(async (stores) => {
      const reservation = await stores.reservations.get(query.id);
      if (!reservation) throw new NotFoundError();
      assertCanRead(query.actor, reservation);
      return stores.events.listFor(query.id);
    });
  }
}
