import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  policyDateRange,
  type Reservation,
  type ReservationStatus,
  ValidationError,
} from '@exam-reservation/domain';
import type { ExportCursor, ExportQuery, UnitOfWork } from '../ports/index.js';
import { pulledParts } from '../support/pulled-parts.js';
import { reservationCsvRows } from '../support/reservation-csv.js';

/** Rows read from the store at a time by an export, when it reads them page by page. */
export const EXPORT_PAGE_SIZE = 500;

/** Rows a store that writes the CSV itself is asked for at a time: one statement, at most this many in memory. */
export const EXPORT_WINDOW_ROWS = 10_000;

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
 * (start time, then id), read from the store a page (or a window) at a time
 * with a keyset cursor: each is a read of its own, so an export of any size
 * holds one in memory and no transaction open while it is written out. Rows
 * changed between two reads show as they are when their read is made.
 */
export class ExportReservations {
  private readonly pageSize: number;
  private readonly windowRows: number;

  /**
   * @param deps.storeWritesCsv false: every CSV page is written here from the
   *   store's rows (the plain way, which the store's own CSV is tested against)
   */
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      policy: BookingPolicy;
      pageSize?: number;
      windowRows?: number;
      storeWritesCsv?: boolean;
    },
  ) {
    ({ pageSize: this.pageSize = EXPORT_PAGE_SIZE, windowRows: this.windowRows = EXPORT_WINDOW_ROWS } = deps);
    if (![this.pageSize, this.windowRows].every((rows) => Number.isSafeInteger(rows) && rows >= 1)) {
      throw new RangeError('an export read must take at least one row');
    }
  }

  /**
   * Checks the query and returns its pages; nothing is read until the first
   * page is asked for, and reading stops when the caller stops iterating
   * (`break`, `return()`), so a client gone away costs no more reads.
   * @throws ForbiddenError for a user; ValidationError for bad dates, a range over the maximum, or no status
   */
  pages(query: ExportReservationsQuery): AsyncGenerator<readonly Reservation[], void, undefined> {
    return this.walk(this.checked(query), false);
  }

  /**
   * The same rows as CSV ({@link reservationCsvRows}, times in the policy's
   * zone; no header), in parts. A store that can promise the same bytes
   * writes them itself (PostgreSQL does: a window of rows a statement,
   * streamed as it comes; BENCHMARKS.md (11)); otherwise, and from a row it
   * cannot write on, a page of rows is read and written here.
   * @throws as {@link pages}
   */
  csvPages(query: ExportReservationsQuery): AsyncGenerator<string, void, undefined> {
    return this.walk(this.checked(query), true);
  }

  private checked(query: ExportReservationsQuery): Omit<ExportQuery, 'limit'> {
    assertAdmin(query.actor, 'export reservations');
    if (query.statuses?.length === 0) throw ValidationError.of('status', 'name at least one status');
    const { startDate, endDate, statuses } = query;
    return { overlapping: policyDateRange(startDate, endDate, this.deps.policy), statuses };
  }

  /** Reads from the store until a short read: as rows, or as CSV (in windows the store writes, when it can). */
  private walk(range: Omit<ExportQuery, 'limit'>, csv: false): AsyncGenerator<readonly Reservation[], void>;
  private walk(range: Omit<ExportQuery, 'limit'>, csv: true): AsyncGenerator<string, void>;
  private async *walk(range: Omit<ExportQuery, 'limit'>, csv: boolean) {
    const zone = this.deps.policy.timeZone;
    let after: ExportCursor | undefined;
    let storeWrites = csv && this.deps.storeWritesCsv !== false;
    // Windows grow from a page's size, and shrink back to it after a row the store refused: a
    // client gone early, or many such rows, cost the store little more than pages would.
    let windowRows = Math.min(this.pageSize, this.windowRows);
    for (;;) {
      if (storeWrites) {
        const window = { ...range, after, limit: windowRows };
        const end = yield* pulledParts((take) =>
          this.deps.uow.read((stores) => stores.reservations.exportCsv(window, zone, take)),
        );
        if (end === null) storeWrites = false;
        else {
          after = end.next ?? after;
          if (end.whole && (end.rows < windowRows || end.next === null)) return;
          windowRows = Math.min(end.whole ? 2 * windowRows : this.pageSize, this.windowRows);
          if (end.whole) continue;
        }
      }
      const page = { ...range, after, limit: this.pageSize };
      const { items, next } = await this.deps.uow.read((stores) => stores.reservations.exportPage(page));
      if (items.length > 0) yield csv ? reservationCsvRows(items, zone) : items;
      if (items.length < this.pageSize || next === null) return;
      after = next;
    }
  }
}
