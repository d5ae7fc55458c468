import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  CapacityExceededError,
  policyDateRange,
  type TimeRange,
} from '@exam-reservation/domain';
import type { Clock, PendingCursor, UnitOfWork } from '../ports/index.js';
import {
  type AdmissionCounts,
  addCounts,
  admitChunk,
  NO_COUNTS,
  previewChunk,
} from '../support/admission-chunk.js';
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
export interface AdmissionResult extends AdmissionCounts {
  /** True when it went through the whole range; false when it stopped at its time limit. */
  readonly complete: boolean;
}

/**
 * First come, first served admission of the pending reservations that
 * overlap a date range, in creation order, in chunks of one unit of work
 * each (see {@link admitChunk}): memory is one chunk however many wait. Each
 * page starts strictly after the store's exact cursor, so a run decides a
 * reservation once. A chunk that lost a race for room is decided again with
 * its slots locked. A run stops after the first chunk that ends past
 * `maxMs` (`complete: false`); a repeat goes on from the queue as it stands.
 */
export class AdmitReservations implements LongAction<AdmitCommand, AdmissionResult> {
  private readonly chunkSize: number;
  private readonly maxMs: number;

  /** @param deps.chunkSize per unit of work (default 500); deps.maxMs: a run's time (default 120 s) */
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      clock: Clock;
      policy: BookingPolicy;
      chunkSize?: number | undefined;
      maxMs?: number | undefined;
    },
  ) {
    this.chunkSize = deps.chunkSize ?? 500;
    this.maxMs = deps.maxMs ?? 120_000;
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

  /** Admits the range; `lease` is renewed by every chunk and finished by the last of a complete run. */
  run(command: AdmitCommand, lease: Lease<AdmissionResult>): Promise<AdmissionResult> {
    return this.chunks(command.actor, this.rangeOf(command), command.rejectRest, lease);
  }

  /**
   * A dry run: what {@link run} would answer if it ran now, changing
   * nothing. It pages through the same pending queue in the same order (the
   * store's exact cursor, `chunkSize` a page, each page a plain read) and
   * decides each page with the domain's one rule against the stored loads
   * plus what its own earlier pages admitted (kept in memory, one number per
   * slot the range holds), stopping after `maxMs` as a run does
   * (`complete: false`). It takes no lock and no key, writes nothing, and
   * counts nothing.
   * @throws ForbiddenError | ValidationError, as {@link check}
   */
  async preview(command: AdmitCommand): Promise<AdmissionResult> {
    const range = this.rangeOf(command);
    const { uow, clock, policy } = this.deps;
    const { actor, rejectRest } = command;
    const deadline = clock.now() + this.maxMs;
    /** People admitted so far by this dry run, per slot: what a run would have written by now. */
    const admitted = new Map<number, number>();
    let totals = NO_COUNTS;
    let after: PendingCursor | undefined;
    for (;;) {
      const chunk = await uow.read(async (stores) => {
        const page = await stores.reservations.listPending({
          overlapping: range,
          after,
          limit: this.chunkSize,
        });
        const decision = { actor, range, rejectRest, policy, now: clock.now() };
        const sum = addCounts(totals, await previewChunk(stores, decision, page.items, admitted));
        const result = { ...sum, complete: page.items.length < this.chunkSize };
        return { result, stop: result.complete || clock.now() >= deadline, next: page.next };
      });
      if (chunk.stop || !chunk.next) return chunk.result;
      totals = chunk.result;
      after = chunk.next;
    }
  }

  private rangeOf(command: AdmitCommand): TimeRange {
    assertAdmin(command.actor, 'admit reservations');
    return policyDateRange(command.startDate, command.endDate, this.deps.policy);
  }

  private async chunks(
    actor: Actor,
    range: TimeRange,
    rejectRest: boolean,
    lease: Lease<AdmissionResult>,
  ): Promise<AdmissionResult> {
    const { uow, clock, policy } = this.deps;
    const deadline = clock.now() + this.maxMs;
    let totals = NO_COUNTS;
    let after: PendingCursor | undefined;
    let lockSlots = false;
    for (;;) {
      const locked = lockSlots;
      const chunk = await uow
        .run(async (stores) => {
          const page = await stores.reservations.listPending({
            overlapping: range,
            after,
            limit: this.chunkSize,
          });
          const decision = { actor, range, rejectRest, policy, now: clock.now() };
          const sum = addCounts(totals, await admitChunk(stores, decision, page.items, locked));
          const result = { ...sum, complete: page.items.length < this.chunkSize };
          const stop = result.complete || clock.now() >= deadline;
          if (result.complete) await lease.finish(stores, result);
          else if (!stop) await lease.renew(stores);
          return { result, stop, next: page.next };
        })
        .catch((error: unknown) => {
          // Lost a race for room since the loads were read: decide this chunk again, slots locked.
          if (locked || !(error instanceof CapacityExceededError)) throw error;
          return null;
        });
      lockSlots = chunk === null;
      if (!chunk) continue;
      if (chunk.stop || !chunk.next) return chunk.result;
      totals = chunk.result;
      after = chunk.next;
    }
  }
}
