import {
  type Actor,
  type Admission,
  admitFirstComeFirstServed,
  assertAdmin,
  type BookingPolicy,
  confirmedLoadDelta,
  NO_CAPACITY_LEFT,
  policyDateRange,
  promoteWaiting,
  type Reservation,
  rangeOf,
  type SlotLoads,
  type TimeRange,
  WAITING_LIST_REASON,
} from '@exam-reservation/domain';
import type { ActorRole, Clock, ReadStores, TransactionStores, UnitOfWork } from '../ports/index.js';

/** What a part of an admission decided. */
export interface AdmissionCounts {
  readonly confirmed: number;
  readonly rejected: number;
  readonly leftPending: number;
}

/** What an admission (a run or its dry-run preview) is made with. */
export interface AdmissionDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly policy: BookingPolicy;
  /** Reservations per page (and per unit of work for a run); 500 by default. */
  readonly chunkSize?: number | undefined;
  /** How long a run goes on before it answers `complete: false`; 120 s by default. */
  readonly maxMs?: number | undefined;
}

/** An admission's page size and time limit, checked: 500 reservations a page, 120 s by default. */
export function admissionLimits(options: { chunkSize?: number | undefined; maxMs?: number | undefined }): {
  chunkSize: number;
  maxMs: number;
} {
  const chunkSize = options.chunkSize ?? 500;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError('chunkSize must be a positive integer');
  }
  return { chunkSize, maxMs: options.maxMs ?? 120_000 };
}

/**
 * The range an admin's admission covers.
 * @throws ForbiddenError for a user (before anything is read) | ValidationError (bad dates, too long)
 */
export function admissionRange(
  command: { readonly actor: Actor; readonly startDate: string; readonly endDate: string },
  policy: BookingPolicy,
): TimeRange {
  assertAdmin(command.actor, 'admit reservations');
  return policyDateRange(command.startDate, command.endDate, policy);
}

export const NO_COUNTS: AdmissionCounts = { confirmed: 0, rejected: 0, leftPending: 0 };

export const addCounts = (a: AdmissionCounts, b: AdmissionCounts): AdmissionCounts => ({
  confirmed: a.confirmed + b.confirmed,
  rejected: a.rejected + b.rejected,
  leftPending: a.leftPending + b.leftPending,
});

/**
 * Who admits, by which of the domain's rules, and what the history says of
 * it: an admin's admission, or the waiting list's promotion.
 */
export interface AdmissionRule {
  decide(loads: SlotLoads, candidates: readonly Reservation[], policy: BookingPolicy, now: number): Admission;
  readonly actorId: number | null;
  readonly actorRole: ActorRole;
  /** The reason the history gives a confirmation. */
  readonly confirmReason: string | null;
}

/** An admin's first come, first served admission; with `rejectRest`, the rest is rejected. */
export const adminRule = (actor: Actor, rejectRest: boolean): AdmissionRule => ({
  decide: (loads, candidates, policy, now) =>
    admitFirstComeFirstServed(actor, loads, candidates, policy, now, { rejectRest }),
  actorId: actor.userId,
  actorRole: actor.role,
  confirmReason: null,
});

/** The waiting list: the system admits by the same rule and rejects nobody. */
export const WAITING_LIST_RULE: AdmissionRule = {
  decide: (loads, candidates, policy, now) => {
    const { confirmed, leftPending } = promoteWaiting(loads, candidates, policy, now);
    return { confirmed, rejected: [], leftPending };
  },
  actorId: null,
  actorRole: 'system',
  confirmReason: WAITING_LIST_REASON,
};

/** What one chunk of an admission is decided with. */
export interface ChunkDecision {
  readonly rule: AdmissionRule;
  readonly range: TimeRange;
  readonly policy: BookingPolicy;
  readonly now: number;
  /**
   * Loads a slot is taken to have at least: what a walk that holds to its
   * first look saw (plus what it admitted), so that room freed since is not
   * given to someone later in the queue than those it already left out.
   */
  readonly floor?: SlotLoads | undefined;
}

/**
 * The page's reservations an admission decides, in the page's (creation)
 * order, as `current` has them now: those still pending and in the range.
 */
function candidatesOf(
  page: readonly Reservation[],
  current: (r: Reservation) => Reservation | undefined,
  range: TimeRange,
): Reservation[] {
  return page.flatMap((r) => {
    const now = current(r);
    return now?.status === 'pending' && rangeOf(now).overlaps(range) ? [now] : [];
  });
}

/** The slots the candidates' confirmations would take, ascending. */
function slotsOf(candidates: readonly Reservation[], policy: BookingPolicy): number[] {
  const slots = new Set<number>();
  for (const r of candidates) {
    for (const d of confirmedLoadDelta(null, { ...r, status: 'confirmed' }, policy.grid))
      slots.add(d.slotStart);
  }
  return [...slots].sort((a, b) => a - b);
}

const countsOf = (admission: Admission): AdmissionCounts => ({
  confirmed: admission.confirmed.length,
  rejected: admission.rejected.length,
  leftPending: admission.leftPending.length,
});

/**
 * One chunk of an admission, inside its unit of work: lock the page's
 * reservations, decide in creation order against the slot loads (read, or
 * locked when `lockSlots`), write.
 */
export async function admitChunk(
  stores: TransactionStores,
  decision: ChunkDecision,
  page: readonly Reservation[],
  lockSlots: boolean,
): Promise<AdmissionCounts & { readonly loads: SlotLoads }> {
  if (page.length === 0) return { ...NO_COUNTS, loads: new Map() };
  const { rule, range, policy, now, floor } = decision;
  const locked = new Map(
    (await stores.reservations.getManyForUpdate(page.map((r) => r.id))).map((r) => [r.id, r]),
  );
  // In creation order (the page's), as they are now that they are locked.
  const candidates = candidatesOf(page, (r) => locked.get(r.id), range);
  const sorted = slotsOf(candidates, policy);
  const loads = new Map<number, number>();
  if (sorted.length > 0) {
    const read = lockSlots
      ? await stores.ledger.lockLoads(sorted, policy.capacity)
      : await stores.ledger.loadsIn(sorted[0]!, sorted[sorted.length - 1]! + 1);
    for (const slot of sorted) loads.set(slot, Math.max(read.get(slot) ?? 0, floor?.get(slot) ?? 0));
  }
  const admission = rule.decide(loads, candidates, policy, now);
  const changed = [...admission.confirmed, ...admission.rejected];
  await stores.reservations.saveAll(changed.map((t) => t.after));
  await stores.events.appendAll(
    changed.map(({ before, after }) => ({
      reservationId: after.id,
      type: after.status === 'confirmed' ? ('confirmed' as const) : ('rejected' as const),
      actorId: rule.actorId,
      actorRole: rule.actorRole,
      reason: after.status === 'rejected' ? NO_CAPACITY_LEFT : rule.confirmReason,
      at: now,
      before,
      after,
    })),
  );
  const deltas = admission.confirmed.flatMap((t) => confirmedLoadDelta(t.before, t.after, policy.grid));
  if (deltas.length > 0) await stores.ledger.apply(deltas, policy.capacity, policy.timeZone);
  for (const d of deltas) loads.set(d.slotStart, (loads.get(d.slotStart) ?? 0) + d.delta);
  return { ...countsOf(admission), loads };
}

/**
 * One chunk of a dry run: what {@link admitChunk} would decide for the page
 * now, changing nothing. The page's reservations are taken as read (they are
 * not locked), and the loads are the stored ones plus `admitted`, the people
 * the dry run's earlier chunks admitted per slot (what a real run would have
 * written by then); the people this chunk admits are added to `admitted`.
 * The decision is the domain's one rule, as in {@link admitChunk}.
 */
export async function previewChunk(
  stores: ReadStores,
  decision: ChunkDecision,
  page: readonly Reservation[],
  admitted: Map<number, number>,
): Promise<AdmissionCounts> {
  if (page.length === 0) return NO_COUNTS;
  const { rule, range, policy, now } = decision;
  const candidates = candidatesOf(page, (r) => r, range);
  const sorted = slotsOf(candidates, policy);
  const loads = new Map<number, number>();
  if (sorted.length > 0) {
    const stored = await stores.ledger.loadsIn(sorted[0]!, sorted[sorted.length - 1]! + 1);
    for (const [slot, people] of stored) loads.set(slot, people);
    for (const slot of sorted) {
      const extra = admitted.get(slot);
      if (extra !== undefined) loads.set(slot, (loads.get(slot) ?? 0) + extra);
    }
  }
  const admission = rule.decide(loads, candidates, policy, now);
  for (const t of admission.confirmed) {
    for (const d of confirmedLoadDelta(t.before, t.after, policy.grid)) {
      admitted.set(d.slotStart, (admitted.get(d.slotStart) ?? 0) + d.delta);
    }
  }
  return countsOf(admission);
}
