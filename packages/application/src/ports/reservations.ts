import type { Reservation, TimeRange } from '@exam-reservation/domain';

export type NewReservation = Omit<Reservation, 'id'>;

export interface ReservationListQuery {
  /** Only reservations overlapping this range; all when absent. */
  readonly overlapping?: TimeRange | undefined;
  /** Only this user's reservations; everyone's when absent. */
  readonly userId?: number | undefined;
  readonly offset: number;
  readonly limit: number;
}

export interface ReservationPage {
  /** Ordered by start time, then id. */
  readonly items: readonly Reservation[];
  /** How many match the query across all pages. */
  readonly total: number;
}

/** A page of pending reservations in creation order (keyset pagination). */
export interface PendingQuery {
  /** Only reservations overlapping this range. */
  readonly overlapping: TimeRange;
  /** Only reservations after this one in creation order; from the first when absent. */
  readonly after?: { readonly createdAt: number; readonly id: number } | undefined;
  readonly limit: number;
}

/** Reading reservations; no locks taken. */
export interface ReservationReader {
  get(id: number): Promise<Reservation | null>;
  list(query: ReservationListQuery): Promise<ReservationPage>;
  /**
   * Pending reservations overlapping a range, in creation order (`createdAt`,
   * then id), at most `limit` of them: one page of an admission. Each page
   * costs about its own size, however many pages came before.
   */
  listPending(query: PendingQuery): Promise<Reservation[]>;
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
