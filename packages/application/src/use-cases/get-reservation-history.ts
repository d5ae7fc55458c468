import { type Actor, assertCanRead, NotFoundError } from '@exam-reservation/domain';
import type { ReservationEventPage, UnitOfWork } from '../ports/index.js';
import { pageWindow } from '../support/page-window.js';

export interface GetReservationHistoryQuery {
  readonly actor: Actor;
  readonly id: number;
  /** 1-based */
  readonly page: number;
  /** 1–100 */
  readonly limit: number;
}

/**
 * One page of a reservation's audit trail, oldest first, and its length: for
 * its owner and admins; anyone else is told it does not exist. Paged, so no
 * answer grows with the number of changes.
 */
export class GetReservationHistory {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /** @throws NotFoundError | ValidationError */
  async execute(query: GetReservationHistoryQuery): Promise<ReservationEventPage> {
    const window = pageWindow(query.page, query.limit);
    return this.deps.uow.read(async (stores) => {
      const reservation = await stores.reservations.get(query.id);
      if (!reservation) throw new NotFoundError();
      assertCanRead(query.actor, reservation);
      return stores.events.pageFor(query.id, window);
    });
  }
}
