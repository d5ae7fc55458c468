import type { Clock, UnitOfWork } from '../ports/index.js';

/**
 * Deletes stored idempotency answers past their expiry, a small batch per
 * unit of work (rows in use are skipped), so that no request ever waits
 * behind one large delete. Expired keys already count as unused before they
 * are deleted; this only reclaims their space.
 */
export class PurgeIdempotencyKeys {
  private readonly batchSize: number;
  private readonly maxBatches: number;

  /**
   * @param deps.batchSize keys per unit of work (default 500)
   * @param deps.maxBatches most units of work per call (default 100); the next call goes on
   */
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      clock: Clock;
      batchSize?: number | undefined;
      maxBatches?: number | undefined;
    },
  ) {
    this.batchSize = deps.batchSize ?? 500;
    this.maxBatches = deps.maxBatches ?? 100;
  }

  /** @returns how many keys were deleted */
  async execute(): Promise<number> {
    let total = 0;
    for (let i = 0; i < this.maxBatches; i++) {
      const now = this.deps.clock.now();
      const deleted = await this.deps.uow.run((stores) =>
        stores.idempotencyKeys.deleteExpired(now, this.batchSize),
      );
      total += deleted;
      if (deleted < this.batchSize) break;
    }
    return total;
  }
}
