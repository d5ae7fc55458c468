import { type Actor, assertCanRead, NotFoundError, type Reservation } from '@exam-reservation/domain';
import type { UnitOfWork } from '../ports/index.js';

export class GetReservation {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /** @throws NotFoundError when it does not exist or the actor may not see it */
  async execute(command: { actor: Actor; id: number }): Promise<Reservation> {
    const reservation = await this.deps.uow.read((stores) => stores.reservations.get(command.id));
    if (!reservation) throw new NotFoundError();
    assertCanRead(command.actor, reservation);
    return reservation;
  }
}
