import {
  type BookingPolicy,
  confirmedLoadDelta,
  findOverflow,
  NotFoundError,
  type Reservation,
  rangeOf,
  type Transition,
} from '@exam-reservation/domain';
import type { Clock, ReservationEventType, UnitOfWork } from '../ports/index.js';

/**
 * The shape every state change shares: lock the reservation, let the domain
 * decide, then write the reservation, its audit event and the slot-ledger
 * delta in one transaction. The ledger goes last so that slot rows are held
 * for as short a time as possible.
 */
export async function changeReservation(
  deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy },
  id: number,
  actorId: number,
  type: ReservationEventType,
  decide: (reservation: Reservation, now: number) => Transition,
): Promise<Reservation> {
  return deps.uow.run(async (stores) => {
    const current = await stores.reservations.getForUpdate(id);
    if (!current) throw new NotFoundError();
    const now = deps.clock.now();
    const { before, after, changed } = decide(current, now);
    if (!changed) return after;
    if (after.status === 'pending' && type === 'updated') {
      // Like a new booking, a changed pending one must fit the confirmed load as it stands.
      const range = rangeOf(after);
      const loads = await stores.ledger.loadsIn(range.start, range.end);
      const overflow = findOverflow(
        loads,
        range,
        after.numberOfPeople,
        deps.policy.capacity,
        deps.policy.grid,
      );
      if (overflow) throw overflow;
    }
    await stores.reservations.save(after);
    await stores.events.append({ reservationId: id, type, actorId, at: now, before, after });
    const deltas = confirmedLoadDelta(before, after, deps.policy.grid);
    if (deltas.length > 0) await stores.ledger.apply(deltas, deps.policy.capacity);
    return after;
  });
}
