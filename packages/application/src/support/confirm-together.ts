import {
  type Actor,
  type BookingPolicy,
  CapacityLedger,
  confirm,
  confirmedLoadDelta,
  DomainError,
  NotFoundError,
  type Reservation,
  type Transition,
} from '@exam-reservation/domain';
import type { TransactionStores } from '../ports/index.js';
import type { Decided } from '../wrappers/action.js';

/** One confirmation among several decided together. */
export interface ConfirmationRequest {
  readonly actor: Actor;
  readonly id: number;
}

/**
 * Confirms several reservations in one unit of work, each decided as if it
 * had been confirmed alone, one after another in the order given: the
 * reservations are locked (ascending ids), then every slot a pending one of
 * them could take (ascending slots), and the domain decides each in turn
 * against the locked loads (its CapacityLedger). All accepted ones are then
 * written at once. The one path for batched single confirmations and for
 * bulk confirmation: there is no other check of capacity for them.
 *
 * Refusals come back as outcomes; anything else (a store failure) throws,
 * and the unit of work keeps nothing.
 */
export async function confirmTogether(
  stores: TransactionStores,
  policy: BookingPolicy,
  requests: readonly ConfirmationRequest[],
  now: number,
): Promise<Decided<Reservation>[]> {
  if (requests.length === 0) return [];
  const current = new Map(
    (await stores.reservations.getManyForUpdate(requests.map((c) => c.id))).map((r) => [r.id, r]),
  );
  // Lock every slot a pending one of them could take, before deciding.
  const slots = new Set<number>();
  for (const r of current.values()) {
    if (r.status !== 'pending') continue;
    for (const d of confirmedLoadDelta(null, { ...r, status: 'confirmed' }, policy.grid))
      slots.add(d.slotStart);
  }
  const ledger = new CapacityLedger(
    policy.capacity,
    await stores.ledger.lockLoads([...slots], policy.capacity),
    policy.timeZone,
  );

  const outcomes: Decided<Reservation>[] = [];
  const accepted: { transition: Transition; actor: Actor }[] = [];
  for (const request of requests) {
    const reservation = current.get(request.id);
    if (!reservation) {
      outcomes.push({ error: new NotFoundError() });
      continue;
    }
    let transition: Transition;
    try {
      transition = confirm(request.actor, reservation, now);
      if (transition.changed) {
        ledger.apply(confirmedLoadDelta(transition.before, transition.after, policy.grid));
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes.push({ error });
      continue;
    }
    if (transition.changed) {
      current.set(request.id, transition.after);
      accepted.push({ transition, actor: request.actor });
    }
    outcomes.push({ ok: transition.after });
  }

  await stores.reservations.saveAll(accepted.map(({ transition }) => transition.after));
  await stores.events.appendAll(
    accepted.map(({ transition: { before, after }, actor }) => ({
      reservationId: after.id,
      type: 'confirmed' as const,
      actorId: actor.userId,
      actorRole: actor.role,
      reason: null,
      at: now,
      before,
      after,
    })),
  );
  const deltas = accepted.flatMap(({ transition }) =>
    confirmedLoadDelta(transition.before, transition.after, policy.grid),
  );
  if (deltas.length > 0) await stores.ledger.apply(deltas, policy.capacity, policy.timeZone);
  return outcomes;
}
