import { type BookingPolicy, computeLoad, type LoadItem, loadDateRange } from '@exam-reservation/domain';
import type { UnitOfWork } from '../ports/index.js';
import { WorkLimit } from '../support/work-limit.js';

export interface GetSlotLoadQuery {
  /** YYYY-MM-DD, read in the policy's zone */
  readonly startDate: string;
  /** YYYY-MM-DD, inclusive; at most 31 days after the start */
  readonly endDate: string;
}

/**
 * The whole of a date range as stretches of equal load: confirmed people (the
 * slot ledger) and people of pending reservations (demand not yet admitted)
 * per slot. Who may ask is the caller's to check (admins only over HTTP).
 */
export class GetSlotLoad {
  private readonly limit: WorkLimit;

  /** @param deps.maxConcurrent load views computed at once (default 4) */
  constructor(private readonly deps: { uow: UnitOfWork; policy: BookingPolicy; maxConcurrent?: number }) {
    this.limit = new WorkLimit(deps.maxConcurrent ?? 4);
  }

  /** @throws ValidationError for bad dates or a range over 31 days */
  async execute(query: GetSlotLoadQuery): Promise<LoadItem[]> {
    const { policy, uow } = this.deps;
    const range = loadDateRange(query.startDate, query.endDate, policy);
    return this.limit.run(async () => {
      const [confirmed, pending] = await uow.read((stores) =>
        Promise.all([
          stores.ledger.loadsIn(range.start, range.end),
          stores.reservations.pendingLoadsIn(range.start, range.end, policy.grid),
        ]),
      );
      return computeLoad({ grid: policy.grid, range, capacity: policy.capacity, confirmed, pending });
    });
  }
}
