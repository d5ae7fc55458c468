import type { TimeRange } from '@exam-reservation/domain';
import type { PendingCursor } from './reservations.js';

/** A stretch of slots where a change freed room: the waiting list admits over it. */
export interface FreedRoom {
  readonly range: TimeRange;
  /** When the change that freed it was made (epoch ms): the promotion lag counts from here. */
  readonly freedAt: number;
  /** Where a cut-short promotion stopped in the queue; absent: from the first in line. */
  readonly after?: PendingCursor | null | undefined;
}

/** A request a process holds under a lease until its promotion ends. */
export interface ClaimedAdmission extends FreedRoom {
  readonly id: number;
  readonly after: PendingCursor | null;
}

/** What one claim asks for. */
export interface AdmissionClaim {
  readonly now: number;
  /** The claim lapses at `now + leaseMs` unless renewed; then another process may take it. */
  readonly leaseMs: number;
  /** Most requests one claim takes. */
  readonly limit: number;
  /** Names this claim: only its holder renews or finishes it. */
  readonly token: string;
}

/**
 * The waiting list's queue of freed room: written in the same unit of work
 * as the change that freed it, so it commits with the change or not at all;
 * claimed by one process at a time, under a lease, and finished in the same
 * unit of work as the last promotion it needed.
 */
export interface AdmissionRequests {
  /** Queues freed room (may be held back until commit). */
  record(rooms: readonly FreedRoom[]): Promise<void>;
  /**
   * Takes the due requests nobody holds (or whose lease ran out), oldest
   * first, skipping any that overlaps or touches one another claim holds,
   * and holds them for `leaseMs`. Claims never wait on each other's rows.
   */
  claim(request: AdmissionClaim): Promise<ClaimedAdmission[]>;
  /** Extends the claim's lease to `until`, while its holder still has it. */
  renew(ids: readonly number[], token: string, until: number): Promise<void>;
  /**
   * Ends the claim: its requests are done, or, with `rest`, replaced by one
   * request for what is left (a promotion cut short), due at once.
   */
  finish(ids: readonly number[], token: string, rest?: FreedRoom): Promise<void>;
}
