import {
  type BookingPolicy,
  bookableFrom,
  computeSchedule,
  policyDateRange,
  type ScheduleItem,
} from '@exam-reservation/domain';
import type { Clock, UnitOfWork } from '../ports/index.js';
import { WorkLimit } from '../support/work-limit.js';

export interface GetSchedulesQuery {
  /** YYYY-MM-DD, read in the policy's zone */
  readonly startDate: string;
  /** YYYY-MM-DD, inclusive */
  readonly endDate: string;
}

/** The bookable parts of a date range, read from the slot ledger (not from reservations). */
export class GetSchedules {
  private readonly limit: WorkLimit;

  /**
   * @param deps.maxConcurrent schedules computed at once (default 4): a year's
   *   schedule holds thousands of slots, so a burst of them is queued rather
   *   than held in memory all together.
   */
  constructor(
    private readonly deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy; maxConcurrent?: number },
  ) {
    this.limit = new WorkLimit(deps.maxConcurrent ?? 4);
  }

  /** @throws ValidationError for bad dates or a range over the policy's maximum */
  async execute(query: GetSchedulesQuery): Promise<ScheduleItem[]> {
    const { policy, clock, uow } = this.deps;
    const range = policyDateRange(query.startDate, query.endDate, policy);
    return this.limit.run(async () => {
      const loads = await uow.read((stores) => stores.ledger.loadsIn(range.start, range.end));
      return computeSchedule({
        grid: policy.grid,
        range,
        capacity: policy.capacity,
        bookableFrom: bookableFrom(policy, clock.now()),
        loads,
      });
    });
  }
}
