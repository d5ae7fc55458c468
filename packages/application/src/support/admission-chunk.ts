import {
  type Actor,
  admitFirstComeFirstServed,
  type BookingPolicy,
  confirmedLoadDelta,
  NO_CAPACITY_LEFT,
  type Reservation,
  rangeOf,
  type SlotLoads,
  type TimeRange,
} from '@exam-reservation/domain';
import type { TransactionStores } from '../ports/index.js';

/** What a part of an admission decided. */
export interface AdmissionCounts {
  readonly confirmed: number;
  readonly rejected: number;
  readonly leftPending: number;
}

export const NO_COUNTS: AdmissionCounts = { confirmed: 0, rejected: 0, leftPending: 0 };

export const addCounts = (a: AdmissionCounts, b: AdmissionCounts): AdmissionCounts => ({
  confirmed: a.confirmed + b.confirmed,
  rejected: a.rejected + b.rejected,
  leftPending: a.leftPending + b.leftPending,
});

/**
 * One chunk of an admission, inside its unit of work: lock the page's
 * reservations, decide in creation order against the slot loads (read, or
 * locked when `lockSlots`), write.
 */
export async function admitChunk(
  stores: TransactionStores,
  decision: {
    readonly actor: Actor;
    readonly range: TimeRange;
    readonly rejectRest: boolean;
    readonly policy: BookingPolicy;
    readonly now: number;
  },
  page: readonly Reservation[],
  lockSlots: boolean,
): Promise<AdmissionCounts> {
  if (page.length === 0) return NO_COUNTS;
  const { actor, range, rejectRest, policy, now } = decision;
  const locked = new Map(
    (await stores.reservations.getManyForUpdate(page.map((r) => r.id))).map((r) => [r.id, r]),
  );
  // In creation order (the page's), as they are now that they are locked.
  const candidates = page.flatMap((r) => {
    const current = locked.get(r.id);
    return current?.status === 'pending' && rangeOf(current).overlaps(range) ? [current] : [];
  });
  const slots = new Set<number>();
  for (const r of candidates) {
    for (const d of confirmedLoadDelta(null, { ...r, status: 'confirmed' }, policy.grid))
      slots.add(d.slotStart);
  }
  const sorted = [...slots].sort((a, b) => a - b);
  let loads: SlotLoads = new Map();
  if (sorted.length > 0) {
    loads = lockSlots
      ? await stores.ledger.lockLoads(sorted, policy.capacity)
      : await stores.ledger.loadsIn(sorted[0]!, sorted[sorted.length - 1]! + 1);
  }
  const admission = admitFirstComeFirstServed(actor, loads, candidates, policy, now, { rejectRest });
  const changed = [...admission.confirmed, ...admission.rejected];
  await stores.reservations.saveAll(changed.map((t) => t.after));
  await stores.events.appendAll(
    changed.map(({ before, after }) => ({
      reservationId: after.id,
      type: after.status === 'confirmed' ? ('confirmed' as const) : ('rejected' as const),
      actorId: actor.userId,
      actorRole: actor.role,
      reason: after.status === 'rejected' ? NO_CAPACITY_LEFT : null,
      at: now,
      before,
      after,
    })),
  );
  const deltas = admission.confirmed.flatMap((t) => confirmedLoadDelta(t.before, t.after, policy.grid));
  if (deltas.length > 0) await stores.ledger.apply(deltas, policy.capacity, policy.timeZone);
  return {
    confirmed: admission.confirmed.length,
    rejected: admission.rejected.length,
    leftPending: admission.leftPending.length,
  };
}
