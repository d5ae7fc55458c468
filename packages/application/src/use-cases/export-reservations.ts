import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  policyDateRange,
  type Reservation,
  type ReservationStatus,
  ValidationError,
} from '@exam-reservation/domain';
import type { ExportCursor, ExportQuery, ReadStores, UnitOfWork } from '../ports/index.js';
import { pulledParts } from '../support/pulled-parts.js';
import { reservationCsvRows } from '../support/reservation-csv.js';
import { WorkLimit } from '../support/work-limit.js';

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
 * Every reservation overlapping a date range (admins only), in list order, read a page (or a window)
 * at a time by keyset: each a read of its own, so an export of any size holds one in memory and no
 * transaction open. Rows changed between two reads show as they are when their read is made.
 */
export class ExportReservations {
  private readonly pageSize: number;
  private readonly windowRows: number;
  /** Exports read the store a few at a time (waiting, not refused), so that many never hold the pool. */
  private readonly reads: WorkLimit;

  /** @param deps.storeWritesCsv false: every CSV page written here (the plain way the store's CSV is held to) */
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      policy: BookingPolicy;
      pageSize?: number;
      windowRows?: number;
      storeWritesCsv?: boolean;
      readsAtOnce?: number;
    },
  ) {
    ({ pageSize: this.pageSize = EXPORT_PAGE_SIZE, windowRows: this.windowRows = EXPORT_WINDOW_ROWS } = deps);
    if (![this.pageSize, this.windowRows].every((rows) => Number.isSafeInteger(rows) && rows >= 1)) {
      throw new RangeError('an export read must take at least one row');
    }
    this.reads = new WorkLimit(deps.readsAtOnce ?? 2);
  }

  /**
   * Checks the query and returns its pages; nothing is read until the first is asked for, and reading
   * stops when the caller stops iterating (`break`, `return()`), so a client gone costs no more reads.
   * @throws ForbiddenError for a user; ValidationError for bad dates, a range over the maximum, or no status
   */
  pages(query: ExportReservationsQuery): AsyncGenerator<readonly Reservation[], void, undefined> {
    return this.walk(this.checked(query), false);
  }

  /**
   * The same rows as CSV ({@link reservationCsvRows} in the policy's zone; no header), in parts. A store
   * that can promise the same bytes writes them itself (PostgreSQL: a window of rows a statement,
   * streamed as it comes; BENCHMARKS.md (11)); otherwise, and from a row it cannot write, pages here.
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

  private read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return this.reads.run(() => this.deps.uow.read(work));
  }

  /** Reads from the store until a short read: as rows, or as CSV (in windows the store writes, when it can). */
  private walk(range: Omit<ExportQuery, 'limit'>, csv: false): AsyncGenerator<readonly Reservation[], void>;
  private walk(range: Omit<ExportQuery, 'limit'>, csv: true): AsyncGenerator<string, void>;
  private async *walk(range: Omit<ExportQuery, 'limit'>, csv: boolean) {
    const zone = this.deps.policy.timeZone;
    let after: ExportCursor | undefined;
    let storeWrites = csv && this.deps.storeWritesCsv !== false;
    // Windows grow from a page's size and shrink back after a refused row: an early stop costs little.
    let windowRows = Math.min(this.pageSize, this.windowRows);
    for (;;) {
      if (storeWrites) {
        const window = { ...range, after, limit: windowRows };
        const end = yield* pulledParts((take) =>
          this.read((stores) => stores.reservations.exportCsv(window, zone, take)),
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
      const { items, next } = await this.read((stores) => stores.reservations.exportPage(page));
      if (items.length > 0) yield csv ? reservationCsvRows(items, zone) : items;
      if (items.length < this.pageSize || next === null) return;
      after = next;
    }
  }
}
