import {
  type Actor,
  admitFirstComeFirstServed,
  assertAdmin,
  type BookingPolicy,
  CapacityExceededError,
  confirmedLoadDelta,
  dateRangeToInterval,
  daysInDateRange,
  NO_CAPACITY_LEFT,
  type Reservation,
  rangeOf,
  type SlotLoads,
  type TimeRange,
  ValidationError,
} from '@exam-reservation/domain';
import type { Clock, Metrics, TransactionStores, UnitOfWork } from '../ports/index.js';
import type { Lease, LongAction } from '../wrappers/leased.js';

export interface AdmitCommand {
  readonly actor: Actor;
  /** YYYY-MM-DD in the policy's zone. */
  readonly startDate: string;
  /** YYYY-MM-DD, inclusive; at most the policy's maximum range after `startDate`. */
  readonly endDate: string;
  /** Reject (with reason "no capacity left") what does not fit, instead of leaving it pending. */
  readonly rejectRest: boolean;
}

/** What one admission did. */
export interface AdmissionResult {
  readonly confirmed: number;
  readonly rejected: number;
  readonly leftPending: number;
}

/**
 * First come, first served admission of the pending reservations that
 * overlap a date range: in creation order (createdAt, then id), each is
 * confirmed while it fits; the rest stay pending or are rejected.
 *
 * It runs in chunks, each its own unit of work, in creation order: a page
 * of pending reservations after the previous one (keyset on createdAt and
 * id, so each page costs its own size), whose reservations are locked in
 * ascending id order, and decided by the domain's
 * {@link admitFirstComeFirstServed}. Chunked decisions are the same as one
 * pass over everything (a property of `admit`); memory is one chunk, however
 * many are pending.
 *
 * A chunk decides first against the slot loads as they are, without locking
 * them, and writes its confirmations with the slot-ledger change last, as a
 * single confirmation does: the hot slot rows are then held only while the
 * ledger write and the commit run, not while hundreds of reservations and
 * audit events are written, so single confirmations hardly wait for an
 * admission. The ledger's check at commit is the authority: if a concurrent
 * confirmation took the room meanwhile, nothing of the chunk is kept and it
 * is decided again with its slots locked first (ascending, after its
 * reservations: the global lock order of every confirmation). Either way no
 * slot is ever over capacity and nothing can deadlock with it, in this
 * process or another.
 *
 * A reservation that became non-pending (or moved out of the range) between
 * the page read and its lock is skipped. One created while the run goes is
 * admitted too if it comes after the run's position in creation order.
 */
export class AdmitReservations implements LongAction<AdmitCommand, AdmissionResult> {
  private readonly chunkSize: number;

  /** @param deps.chunkSize reservations per unit of work (default 500) */
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      clock: Clock;
      policy: BookingPolicy;
      chunkSize?: number | undefined;
      metrics?: Metrics | undefined;
    },
  ) {
    this.chunkSize = deps.chunkSize ?? 500;
    if (!Number.isSafeInteger(this.chunkSize) || this.chunkSize < 1) {
      throw new RangeError('chunkSize must be a positive integer');
    }
  }

  /**
   * A user is refused before anything is read.
   * @throws ForbiddenError | ValidationError (bad dates, a range over the maximum)
   */
  check(command: AdmitCommand): void {
    this.rangeOf(command);
  }

  /** Admits the range; `lease` is renewed by every chunk and finished by the last. */
  run(command: AdmitCommand, lease: Lease<AdmissionResult>): Promise<AdmissionResult> {
    return this.timed(command.actor, this.rangeOf(command), command.rejectRest, lease);
  }

  private rangeOf(command: AdmitCommand): TimeRange {
    assertAdmin(command.actor, 'admit reservations');
    const { policy } = this.deps;
    const range = dateRangeToInterval(command.startDate, command.endDate, policy.timeZone);
    if (daysInDateRange(command.startDate, command.endDate) > policy.maxRangeDays) {
      throw ValidationError.of('end', `a range may span at most ${policy.maxRangeDays} days`);
    }
    return range;
  }

  private async timed(
    actor: Actor,
    range: TimeRange,
    rejectRest: boolean,
    lease: Lease<AdmissionResult>,
  ): Promise<AdmissionResult> {
    const metrics = this.deps.metrics;
    if (!metrics) return this.chunks(actor, range, rejectRest, lease);
    const started = this.deps.clock.now();
    try {
      const result = await this.chunks(actor, range, rejectRest, lease);
      metrics.admission(result, (this.deps.clock.now() - started) / 1000);
      return result;
    } catch (error) {
      metrics.admission(null, (this.deps.clock.now() - started) / 1000);
      throw error;
    }
  }

  private async chunks(
    actor: Actor,
    range: TimeRange,
    rejectRest: boolean,
    lease: Lease<AdmissionResult>,
  ): Promise<AdmissionResult> {
    let totals: AdmissionResult = { confirmed: 0, rejected: 0, leftPending: 0 };
    let after: { createdAt: number; id: number } | undefined;
    let lockSlots = false;
    for (;;) {
      const locked = lockSlots;
      const chunk = await this.deps.uow
        .run(async (stores) => {
          const page = await stores.reservations.listPending({
            overlapping: range,
            after,
            limit: this.chunkSize,
          });
          const counts = await this.admitChunk(stores, actor, range, rejectRest, page, locked);
          const sum = add(totals, counts);
          const last = page.length < this.chunkSize;
          if (last) await lease.finish(stores, sum);
          else await lease.renew(stores);
          return { sum, last, end: page[page.length - 1] };
        })
        .catch((error: unknown) => {
          // Lost a race for room since the loads were read: decide this chunk again, slots locked.
          if (locked || !(error instanceof CapacityExceededError)) throw error;
          return null;
        });
      lockSlots = chunk === null;
      if (!chunk) continue;
      totals = chunk.sum;
      if (chunk.last || !chunk.end) return totals;
      after = { createdAt: chunk.end.createdAt, id: chunk.end.id };
    }
  }

  /**
   * One chunk: lock its reservations, decide in creation order against the
   * slot loads (read, or locked when `lockSlots`), write.
   */
  private async admitChunk(
    stores: TransactionStores,
    actor: Actor,
    range: TimeRange,
    rejectRest: boolean,
    page: readonly Reservation[],
    lockSlots: boolean,
  ): Promise<AdmissionResult> {
    if (page.length === 0) return { confirmed: 0, rejected: 0, leftPending: 0 };
    const { policy, clock } = this.deps;
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
    const now = clock.now();
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
    if (deltas.length > 0) await stores.ledger.apply(deltas, policy.capacity);
    return {
      confirmed: admission.confirmed.length,
      rejected: admission.rejected.length,
      leftPending: admission.leftPending.length,
    };
  }
}

const add = (a: AdmissionResult, b: AdmissionResult): AdmissionResult => ({
  confirmed: a.confirmed + b.confirmed,
  rejected: a.rejected + b.rejected,
  leftPending: a.leftPending + b.leftPending,
});
