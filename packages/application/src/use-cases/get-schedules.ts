import {
  type BookingPolicy,
  bookableFrom,
  computeSchedule,
  dateRangeToInterval,
  daysInDateRange,
  type ScheduleItem,
  ValidationError,
} from '@exam-reservation/domain';
import type { Clock, UnitOfWork } from '../ports/index.js';

export interface GetSchedulesQuery {
  /** YYYY-MM-DD, read in the policy's zone */
  readonly startDate: string;
  /** YYYY-MM-DD, inclusive */
  readonly endDate: string;
}

/** The bookable parts of a date range, read from the slot ledger (not from reservations). */
export class GetSchedules {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy }) {}

  /** @throws ValidationError for bad dates or a range over the policy's maximum */
  async execute(query: GetSchedulesQuery): Promise<ScheduleItem[]> {
    const { policy, clock, uow } = this.deps;
    const range = dateRangeToInterval(query.startDate, query.endDate, policy.timeZone);
    if (daysInDateRange(query.startDate, query.endDate) > policy.maxRangeDays) {
      throw ValidationError.of('end', `a range may span at most ${policy.maxRangeDays} days`);
    }
    const loads = await uow.read((stores) => stores.ledger.loadsIn(range.start, range.end));
    return computeSchedule({
      grid: policy.grid,
      range,
      capacity: policy.capacity,
      bookableFrom: bookableFrom(policy, clock.now()),
      loads,
    });
  }
}
