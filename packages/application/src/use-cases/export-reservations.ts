import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  policyDateRange,
  type Reservation,
  type ReservationStatus,
  type TimeRange,
  ValidationError,
} from '@exam-reservation/domain';
import type { ExportCursor, UnitOfWork } from '../ports/index.js';

/** Rows read from the store at a time by an export. */
export const EXPORT_PAGE_SIZE = 500;

export interface ExportReservationsQuery {
  readonly actor: Actor;
  /** YYYY-MM-DD, read in the policy's zone */
  readonly startDate: string;
  /** YYYY-MM-DD, inclusive; at most the policy's `maxRangeDays` after `startDate` */
  readonly endDate: string;
  /** Only reservations in one of these statuses (at least one); any status when absent. */
  readonly statuses?: readonly ReservationStatus[] | undefined;
}

/**
 * Every reservation overlapping a date range (admins only), in list order
 * (start time, then id), read from the store one page at a time with a
 * keyset cursor: each page is a read of its own, so an export of any size
 * holds one page in memory and no transaction open while it is written out.
 * Rows changed between two pages show as they are when their page is read.
 */
export class ExportReservations {
  private readonly pageSize: number;

  constructor(private readonly deps: { uow: UnitOfWork; policy: BookingPolicy; pageSize?: number }) {
    this.pageSize = deps.pageSize ?? EXPORT_PAGE_SIZE;
    if (!Number.isSafeInteger(this.pageSize) || this.pageSize < 1) {
      throw new RangeError('an export page must hold at least one row');
    }
  }

  /**
   * Checks the query and returns its pages; nothing is read until the first
   * page is asked for, and reading stops when the caller stops iterating
   * (`break`, `return()`), so a client gone away costs no more reads.
   * @throws ForbiddenError for a user; ValidationError for bad dates, a range over the maximum, or no status
   */
  pages(query: ExportReservationsQuery): AsyncGenerator<readonly Reservation[], void, undefined> {
    assertAdmin(query.actor, 'export reservations');
    if (query.statuses !== undefined && query.statuses.length === 0) {
      throw ValidationError.of('status', 'name at least one status');
    }
    const range = policyDateRange(query.startDate, query.endDate, this.deps.policy);
    return this.walk(range, query.statuses);
  }

  private async *walk(
    overlapping: TimeRange,
    statuses: readonly ReservationStatus[] | undefined,
  ): AsyncGenerator<readonly Reservation[], void, undefined> {
    const limit = this.pageSize;
    let after: ExportCursor | undefined;
    for (;;) {
      const page = await this.deps.uow.read((stores) =>
        stores.reservations.exportPage({ overlapping, statuses, after, limit }),
      );
      if (page.items.length > 0) yield page.items;
      if (page.items.length < limit || page.next === null) return;
      after = page.next;
    }
  }
}
