import type {
  ClaimedDelivery,
  Clock,
  DeliverySettlement,
  Metrics,
  UnitOfWork,
  WebhookTransport,
} from '../ports/index.js';
import { NaturalBatch } from '../wrappers/natural-batch.js';
import type { WebhookAllowances } from './webhook-allowances.js';
import { settlementOf } from './webhook-retries.js';

/**
 * The webhook attempts one process has in flight: each is started without
 * waiting for it, and its result recorded when it ends (results that come in
 * together are recorded in one unit of work).
 */
export class AttemptsInFlight {
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly settler: NaturalBatch<DeliverySettlement, undefined>;
  private roomWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: {
      readonly uow: UnitOfWork;
      readonly clock: Clock;
      readonly transport: WebhookTransport;
      readonly endpoints: WebhookAllowances;
      readonly retryDelaysMs: readonly number[];
      readonly random: () => number;
      readonly metrics?: Metrics | undefined;
      readonly onError?: ((error: unknown) => void) | undefined;
    },
  ) {
    this.settler = new NaturalBatch(
      async (settlements) => {
        await deps.uow.run((stores) => stores.outbox.settle(settlements));
        return settlements.map(() => ({ ok: undefined }));
      },
      { maxBatch: 256 },
    );
  }

  get count(): number {
    return this.inFlight;
  }

  /** Resolves when the next attempt in flight ends (at once when none is in flight). */
  oneEnded(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Resolves once every attempt started so far has ended and been recorded (or failed to be). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  start(delivery: ClaimedDelivery): void {
    const endpointId = delivery.target.endpointId;
    this.inFlight++;
    this.deps.endpoints.started(endpointId);
    let ended: 'delivered' | 'failed' | 'gone' = 'failed';
    const startedAt = this.deps.clock.now();
    const attempt = this.deps.transport
      .send(delivery.target, delivery.message)
      .catch((error: unknown) => ({
        kind: 'failed' as const,
        error: `could not send: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200),
        durationMs: this.deps.clock.now() - startedAt,
      }))
      .then(async (result) => {
        const settlement = settlementOf(
          delivery,
          result,
          startedAt,
          this.deps.retryDelaysMs,
          this.deps.random(),
        );
        ended =
          settlement.outcome === 'delivered' || settlement.outcome === 'gone' ? settlement.outcome : 'failed';
        await this.settler.submit(settlement);
        this.deps.metrics?.webhookAttempt(settlement.outcome, settlement.durationMs / 1000);
      })
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        this.inFlight--;
        this.deps.endpoints.ended(endpointId, ended, this.deps.clock.now());
        this.deps.metrics?.webhookEndpointsThrottled(this.deps.endpoints.throttledCount);
        this.running.delete(attempt);
        for (const wake of this.roomWaiters.splice(0)) wake();
      });
    this.running.add(attempt);
  }
}
