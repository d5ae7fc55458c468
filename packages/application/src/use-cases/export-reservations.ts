import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  policyDateRange,
  type Reservation,
  type ReservationStatus,
  ValidationError,
} from '@exam-reservation/domain';
import type { ExportCursor, ReadStores, UnitOfWork } from '../ports/index.js';
import { reservationCsvRows } from '../support/reservation-csv.js';

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
  private readonly storeWritesCsv: boolean;

  /**
   * @param deps.storeWritesCsv false: every CSV page is written here from the
   *   store's rows (the plain way, which the store's own CSV is tested against)
   */
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      policy: BookingPolicy;
      pageSize?: number;
      storeWritesCsv?: boolean;
    },
  ) {
    this.pageSize = deps.pageSize ?? EXPORT_PAGE_SIZE;
    this.storeWritesCsv = deps.storeWritesCsv ?? true;
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
    const { overlapping, statuses } = this.checked(query);
    return this.walk(async (stores, after) => {
      const page = { overlapping, statuses, after, limit: this.pageSize };
      const { items, next } = await stores.reservations.exportPage(page);
      return { page: items, rows: items.length, next };
    });
  }

  /**
   * The same pages as CSV rows ({@link reservationCsvRows}, times in the
   * policy's zone; no header). The store writes a page itself when it can
   * promise the same bytes (PostgreSQL does: a text a row instead of ten
   * fields, which keeps the export's memory flat; BENCHMARKS.md (11));
   * otherwise its rows are written here.
   * @throws as {@link pages}
   */
  csvPages(query: ExportReservationsQuery): AsyncGenerator<string, void, undefined> {
    const { overlapping, statuses } = this.checked(query);
    const zone = this.deps.policy.timeZone;
    return this.walk(async (stores, after) => {
      const page = { overlapping, statuses, after, limit: this.pageSize };
      const written = this.storeWritesCsv ? await stores.reservations.exportCsvPage(page, zone) : null;
      if (written) return { page: written.csv, rows: written.rows, next: written.next };
      const { items, next } = await stores.reservations.exportPage(page);
      return { page: reservationCsvRows(items, zone), rows: items.length, next };
    });
  }

  private checked(query: ExportReservationsQuery) {
    assertAdmin(query.actor, 'export reservations');
    if (query.statuses !== undefined && query.statuses.length === 0) {
      throw ValidationError.of('status', 'name at least one status');
    }
    return {
      overlapping: policyDateRange(query.startDate, query.endDate, this.deps.policy),
      statuses: query.statuses,
    };
  }

  /** Reads page after page with `read` (a page, its row count and the next page's cursor) until a short one. */
  private async *walk<T>(
    read: (
      stores: ReadStores,
      after?: ExportCursor,
    ) => Promise<{ page: T; rows: number; next: ExportCursor | null }>,
  ): AsyncGenerator<T, void, undefined> {
    let after: ExportCursor | undefined;
    for (;;) {
      const walked = await this.deps.uow.read((stores) => read(stores, after));
      if (walked.rows > 0) yield walked.page;
      if (walked.rows < this.pageSize || walked.next === null) return;
      after = walked.next;
    }
  }
}
