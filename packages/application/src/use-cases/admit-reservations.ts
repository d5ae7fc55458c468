import {
  type Actor,
  type BookingPolicy,
  CapacityExceededError,
  type TimeRange,
} from '@exam-reservation/domain';
import type { Clock, PendingCursor, UnitOfWork } from '../ports/index.js';
import {
  type AdmissionCounts,
  addCounts,
  admissionLimits,
  admissionRange,
  admitChunk,
  NO_COUNTS,
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
    ({ chunkSize: this.chunkSize, maxMs: this.maxMs } = admissionLimits(deps));
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

  private rangeOf(command: AdmitCommand): TimeRange {
    return admissionRange(command, this.deps.policy);
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
