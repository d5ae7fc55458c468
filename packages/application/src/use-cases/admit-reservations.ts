import type { Actor, TimeRange } from '@exam-reservation/domain';
import {
  type AdmissionCounts,
  type AdmissionDeps,
  adminRule,
  admissionLimits,
  admissionRange,
} from '../support/admission-chunk.js';
import { walkAdmission } from '../support/admission-walk.js';
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
 * overlap a date range, in creation order, one walk through the queue (see
 * {@link walkAdmission}). A run stops after the first chunk that ends past
 * `maxMs` (`complete: false`); a repeat goes on from the queue as it stands.
 */
export class AdmitReservations implements LongAction<AdmitCommand, AdmissionResult> {
  private readonly chunkSize: number;
  private readonly maxMs: number;

  /** @param deps.chunkSize per unit of work (default 500); deps.maxMs: a run's time (default 120 s) */
  constructor(private readonly deps: AdmissionDeps) {
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
    const { chunkSize, maxMs } = this;
    const rule = adminRule(command.actor, command.rejectRest);
    return walkAdmission({ ...this.deps, chunkSize, maxMs }, { range: this.rangeOf(command), rule }, lease);
  }

  private rangeOf(command: AdmitCommand): TimeRange {
    return admissionRange(command, this.deps.policy);
  }
}
