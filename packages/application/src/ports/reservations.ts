import type {
  Reservation,
  ReservationStatus,
  SlotGrid,
  SlotLoads,
  TimeRange,
} from '@exam-reservation/domain';

export type NewReservation = Omit<Reservation, 'id'>;

export interface ReservationListQuery {
  /** Only reservations overlapping this range; all when absent. */
  readonly overlapping?: TimeRange | undefined;
  /** Only this user's reservations; everyone's when absent. */
  readonly userId?: number | undefined;
  /** Only reservations in one of these statuses; any status when absent (an empty list matches none). */
  readonly statuses?: readonly ReservationStatus[] | undefined;
  readonly offset: number;
  readonly limit: number;
}

export interface ReservationPage {
  /** Ordered by start time, then id. */
  readonly items: readonly Reservation[];
  /** How many match the query across all pages. */
  readonly total: number;
}

/**
 * Where a page of pending reservations ended, as the store wrote it: opaque
 * to callers. It holds the last row's creation time at the store's own
 * precision (rows written by SQL carry microseconds, which a `createdAt` in
 * milliseconds would cut off), so the next page starts strictly after it.
 */
export type PendingCursor = string & { readonly __pendingCursor: true };

/** A page of pending reservations in creation order (keyset pagination). */
export interface PendingQuery {
  /** Only reservations overlapping this range. */
  readonly overlapping: TimeRange;
  /** Only reservations after this position in creation order; from the first when absent. */
  readonly after?: PendingCursor | undefined;
  readonly limit: number;
}

/** One page of {@link ReservationReader.listPending}. */
export interface PendingPage {
  /** In creation order: the stored creation time, then id. */
  readonly items: readonly Reservation[];
  /** The position of the last item, to pass as `after` for the next page; null for an empty page. */
  readonly next: PendingCursor | null;
}

/**
 * Where a page of an export ended, as the store wrote it: opaque to callers.
 * It holds the last row's start time at the store's own precision, and its
 * id, so the next page starts strictly after it.
 */
export type ExportCursor = string & { readonly __exportCursor: true };

/** A page of reservations overlapping a range in list order (keyset pagination), for an export. */
export interface ExportQuery {
  /** Only reservations overlapping this range. */
  readonly overlapping: TimeRange;
  /** Only reservations in one of these statuses; any status when absent (an empty list matches none). */
  readonly statuses?: readonly ReservationStatus[] | undefined;
  /** Only reservations after this position in list order; from the first when absent. */
  readonly after?: ExportCursor | undefined;
  readonly limit: number;
}

/** One page of {@link ReservationReader.exportPage}. */
export interface ExportPage {
  /** In list order: start time, then id. */
  readonly items: readonly Reservation[];
  /** The position of the last item, to pass as `after` for the next page; null for an empty page. */
  readonly next: ExportCursor | null;
}

/** How {@link ReservationReader.exportCsv} ended. */
export interface ExportCsvEnd {
  /** Rows handed over. */
  readonly rows: number;
  /** The position of the last row handed over, as {@link ExportPage.next}; null when none was. */
  readonly next: ExportCursor | null;
  /**
   * False when it stopped before a row it cannot promise to write as the
   * caller would (a time outside the years it checked): the caller writes the
   * rows from `next` on (from the query's `after` when `next` is null).
   */
  readonly whole: boolean;
}

/** Reading reservations; no locks taken. */
export interface ReservationReader {
  get(id: number): Promise<Reservation | null>;
  list(query: ReservationListQuery): Promise<ReservationPage>;
  /**
   * Pending reservations overlapping a range, in creation order (the stored
   * creation time at full precision, then id), at most `limit` of them: one
   * page of an admission. Each page costs about its own size, however many
   * pages came before, and starts strictly after `after`.
   */
  listPending(query: PendingQuery): Promise<PendingPage>;
  /**
   * People of pending reservations per slot of `grid`, for the slots that
   * start in `[from, to)`: a reservation `[start, end)` counts in every slot
   * that starts in it (as confirmed load would). Confirmed, cancelled and
   * rejected reservations do not count. Slots with none may be absent. One
   * read whose answer is bounded by the slots of the range, however many
   * reservations there are.
   */
  pendingLoadsIn(from: number, to: number, grid: SlotGrid): Promise<SlotLoads>;

  /**
   * Reservations overlapping a range, in list order (start time, then id),
   * strictly after `after`, at most `limit` of them: one page of an export.
   * Each page costs about its own size, however many pages came before
   * (the store walks an index from the cursor; no OFFSET).
   */
  exportPage(query: ExportQuery): Promise<ExportPage>;

  /**
   * The rows {@link exportPage} reads for `query` (at most `limit`), written
   * as CSV by the store itself, byte for byte what
   * `reservationCsvRows(items, zone)` writes, and handed to `take` in order,
   * a part of several rows at a time, as they come from the store (so a
   * large `limit` costs one statement, not many pages). Resolves once all
   * are handed over. Null, with nothing handed over, when the store has no
   * such way or cannot promise it in this zone: the caller then reads
   * {@link exportPage} and writes the rows itself.
   */
  exportCsv(query: ExportQuery, zone: string, take: (csv: string) => void): Promise<ExportCsvEnd | null>;
}

/** Reservations inside a unit of work. */
export interface Reservations extends ReservationReader {
  /**
   * Loads a reservation and holds it against concurrent changes until the
   * unit of work ends, so two transactions never act on the same one at once.
   */
  getForUpdate(id: number): Promise<Reservation | null>;
  /**
   * {@link getForUpdate} for several reservations at once, locked in
   * ascending id order (so two callers cannot deadlock). Unknown ids are
   * left out; the result is in ascending id order.
   */
  getManyForUpdate(ids: readonly number[]): Promise<Reservation[]>;
  insert(reservation: NewReservation): Promise<Reservation>;
  /**
   * {@link insert} for several reservations, as one write where the store
   * can; ids are given out in the order of `reservations`.
   * @returns the inserted reservations, in the order given
   */
  insertAll(reservations: readonly NewReservation[]): Promise<Reservation[]>;
  /** Writes every field of an existing reservation. */
  save(reservation: Reservation): Promise<void>;
  /** {@link save} for several reservations, as one write where the store can. */
  saveAll(reservations: readonly Reservation[]): Promise<void>;
}
