import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  dateRangeToInterval,
  type ReservationStatus,
  type TimeRange,
  ValidationError,
} from '@exam-reservation/domain';
import type { ReservationPage, UnitOfWork } from '../ports/index.js';
import { pageWindow } from '../support/page-window.js';

export interface ListReservationsQuery {
  readonly actor: Actor;
  /** YYYY-MM-DD; both or neither of `startDate` and `endDate`: only reservations overlapping the range */
  readonly startDate?: string | undefined;
  readonly endDate?: string | undefined;
  /** Only reservations in one of these statuses (at least one); any status when absent. */
  readonly statuses?: readonly ReservationStatus[] | undefined;
  /** Only this user's reservations: admins only (a user asking is refused, even for their own id). */
  readonly userId?: number | undefined;
  /** 1-based */
  readonly page: number;
  /** 1–100 */
  readonly limit: number;
}

/** Reservations overlapping a date range, any status: all of them for admins, their own for users. */
export class ListReservations {
  constructor(private readonly deps: { uow: UnitOfWork; policy: BookingPolicy }) {}

  /** @throws ForbiddenError when a user names a `userId`; ValidationError for a bad query */
  async execute(query: ListReservationsQuery): Promise<ReservationPage> {
    if (query.userId !== undefined) assertAdmin(query.actor, 'list another user’s reservations');
    const window = pageWindow(query.page, query.limit);
    if (query.statuses !== undefined && query.statuses.length === 0) {
      throw ValidationError.of('status', 'name at least one status');
    }
    let overlapping: TimeRange | undefined;
    if (query.startDate !== undefined && query.endDate !== undefined) {
      overlapping = dateRangeToInterval(query.startDate, query.endDate, this.deps.policy.timeZone);
    } else if (query.startDate !== undefined || query.endDate !== undefined) {
      const missing = query.startDate === undefined ? 'start' : 'end';
      throw ValidationError.of(missing, 'give both start and end, or neither');
    }
    return this.deps.uow.read((stores) =>
      stores.reservations.list({
        overlapping,
        userId: query.actor.role === 'admin' ? query.userId : query.actor.userId,
        statuses: query.statuses,
        ...window,
      }),
    );
  }
}
