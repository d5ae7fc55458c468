import {
  type Actor,
  assertChangesLeft,
  type BookingPolicy,
  confirmedLoadDelta,
  firstOverflow,
  NotFoundError,
  type Reservation,
  rangeLoad,
  rangeOf,
  type SlotDelta,
  type Transition,
} from '@exam-reservation/domain';
import type { Clock, ReservationEventType, TransactionStores, UnitOfWork } from '../ports/index.js';

/** What a change of one reservation needs. */
export interface ChangeDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly policy: BookingPolicy;
}

/** One change of one reservation, as the domain decides it. */
export interface ChangeRequest {
  readonly id: number;
  readonly actor: Actor;
  readonly type: ReservationEventType;
  readonly decide: (reservation: Reservation, now: number) => Transition;
  /** Recorded with the audit event (a rejection's reason). */
  readonly reason?: string | null | undefined;
}

/**
 * The shape every state change shares, inside a unit of work: lock the
 * reservation, let the domain decide (an update also against the user's
 * change limit, a change of load against the confirmed load), then write the
 * reservation, its audit event and the slot-ledger delta. The ledger goes
 * last so that slot rows are held for as short a time as possible. A no-op
 * writes nothing.
 */
export async function changeWithin(
  stores: TransactionStores,
  deps: Omit<ChangeDeps, 'uow'>,
  request: ChangeRequest,
): Promise<Reservation> {
  const { id, actor, type } = request;
  const current = await stores.reservations.getForUpdate(id);
  if (!current) throw new NotFoundError();
  const now = deps.clock.now();
  const { before, after, changed } = request.decide(current, now);
  if (!changed) return after;
  if (type === 'updated') {
    // Counted with the reservation locked: parallel changes at the cap wait here one by one.
    assertChangesLeft(actor, await stores.events.countUserUpdates(id, actor.userId), deps.policy);
  }
  if (after.status === 'pending' && type === 'updated') {
    // Like a new booking, a changed pending one must fit the confirmed load as it stands.
    await assertFits(stores, rangeLoad(rangeOf(after), after.numberOfPeople, deps.policy.grid), deps.policy);
  }
  await stores.reservations.save(after);
  await stores.events.append({
    reservationId: id,
    type,
    actorId: actor.userId,
    actorRole: actor.role,
    reason: request.reason ?? null,
    at: now,
    before,
    after,
  });
  const deltas = confirmedLoadDelta(before, after, deps.policy.grid);
  if (deltas.length > 0) {
    await assertFits(stores, deltas, deps.policy);
    await stores.ledger.apply(deltas, deps.policy.capacity, deps.policy.timeZone);
  }
  return after;
}

/**
 * Refuses deltas the confirmed load, as it stands, has no room for: the
 * domain's rule over the loads of the slots they add to. A release reads
 * nothing (it always fits).
 * @throws CapacityExceededError naming the first slot that would overflow
 */
async function assertFits(
  stores: TransactionStores,
  deltas: readonly SlotDelta[],
  policy: BookingPolicy,
): Promise<void> {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const { slotStart, delta } of deltas) {
    if (delta <= 0) continue;
    from = Math.min(from, slotStart);
    to = Math.max(to, slotStart + 1);
  }
  if (from > to) return;
  const loads = await stores.ledger.loadsIn(from, to);
  const overflow = firstOverflow(loads, deltas, policy.capacity, policy.timeZone);
  if (overflow) throw overflow;
}

/** {@link changeWithin} in a unit of work of its own. */
export function changeReservation(deps: ChangeDeps, request: ChangeRequest): Promise<Reservation> {
  return deps.uow.run((stores) => changeWithin(stores, deps, request));
}
