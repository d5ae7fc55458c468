import type {
  ClaimedDelivery,
  Clock,
  DeliverySettlement,
  Metrics,
  UnitOfWork,
  WebhookTransport,
} from '../ports/index.js';
import { WebhookAllowances } from '../support/webhook-allowances.js';
import { STANDARD_RETRY_DELAYS_MS, settlementOf } from '../support/webhook-retries.js';
import { NaturalBatch } from '../wrappers/natural-batch.js';

/** How long an endpoint's allowance is kept after its last attempt: then it starts afresh. */
const FORGET_AFTER_MS = 10 * 60_000;

/** Settings of {@link DeliverWebhooks}. */
export interface DeliverWebhooksDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly transport: WebhookTransport;
  readonly metrics?: Metrics | undefined;
  /**
   * How long a claimed message is this process's alone: longer than the
   * transport's timeout, so no other process starts the same message while
   * an attempt is in flight.
   */
  readonly leaseMs: number;
  /** Waits between attempts (default {@link STANDARD_RETRY_DELAYS_MS}). */
  readonly retryDelaysMs?: readonly number[] | undefined;
  /** Most attempts in flight in this process (default 64). */
  readonly maxInFlight?: number | undefined;
  /** Most attempts in flight per endpoint in this process (default 16). */
  readonly perEndpoint?: number | undefined;
  /**
   * Attempts in flight an endpoint may have before it has answered (default
   * 4, at most `perEndpoint`): each delivered attempt allows one more, up to
   * `perEndpoint`, and each failed one halves it, down to 1 (see
   * {@link WebhookAllowances}).
   */
  readonly startPerEndpoint?: number | undefined;
  /** [0, 1), for jitter (default Math.random). */
  readonly random?: (() => number) | undefined;
  /** Told about failures that have no caller to go to (recording an attempt failed). */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/**
 * Sends the outbox's messages, at least once each: a round claims due
 * messages (one process at a time per attempt, see WebhookOutbox.claim)
 * and starts their attempts without waiting for them, so one slow endpoint
 * never holds up the others; each attempt's result is then recorded
 * (results that come in together are recorded in one unit of work). If the
 * process dies before an attempt is recorded, its lease runs out and the
 * message is due again: another attempt, with the same message id. An
 * endpoint that keeps failing or timing out is allowed fewer attempts in
 * flight, so endpoints that hang cannot take the whole process's room.
 */
export class DeliverWebhooks {
  private readonly endpoints: WebhookAllowances;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly settler: NaturalBatch<DeliverySettlement, undefined>;
  private readonly maxInFlight: number;
  private readonly perEndpoint: number;
  private readonly delays: readonly number[];
  private readonly random: () => number;
  private roomWaiters: (() => void)[] = [];

  constructor(private readonly deps: DeliverWebhooksDeps) {
    this.maxInFlight = deps.maxInFlight ?? 64;
    this.perEndpoint = deps.perEndpoint ?? 16;
    this.delays = deps.retryDelaysMs ?? STANDARD_RETRY_DELAYS_MS;
    this.random = deps.random ?? Math.random;
    for (const [name, n] of [
      ['leaseMs', deps.leaseMs],
      ['maxInFlight', this.maxInFlight],
      ['perEndpoint', this.perEndpoint],
    ] as const) {
      if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`);
    }
    this.endpoints = new WebhookAllowances({
      max: this.perEndpoint,
      start: Math.min(deps.startPerEndpoint ?? 4, this.perEndpoint),
      forgetAfterMs: FORGET_AFTER_MS,
    });
    this.settler = new NaturalBatch(
      async (settlements) => {
        await deps.uow.run((stores) => stores.outbox.settle(settlements));
        return settlements.map(() => ({ ok: undefined }));
      },
      { maxBatch: 256 },
    );
  }

  /**
   * Claims what there is room for (at most `limit`) and starts sending it.
   * @returns how many messages it claimed, how many it had room for, and
   *   whether it ran out of room (in all, or for an endpoint it claimed
   *   for): then more may be due than it took, and another round is worth
   *   making as soon as an attempt ends
   */
  async round(
    limit = Number.POSITIVE_INFINITY,
  ): Promise<{ claimed: number; room: number; saturated: boolean }> {
    const room = Math.min(limit, this.maxInFlight - this.inFlight);
    if (room <= 0) return { claimed: 0, room: 0, saturated: true };
    const now = this.deps.clock.now();
    if (this.endpoints.sweep(now))
      this.deps.metrics?.webhookEndpointsThrottled(this.endpoints.throttledCount);
    // As the claim saw them: attempts may end while it runs.
    const busy = this.endpoints.busy();
    const allowances = this.endpoints.allowances();
    const claimed = await this.deps.uow.run((stores) =>
      stores.outbox.claim({
        now,
        leaseUntil: now + this.deps.leaseMs,
        limit: room,
        perEndpoint: this.perEndpoint,
        busy,
        allowances,
      }),
    );
    const taken = new Map<number, number>();
    for (const delivery of claimed) {
      const endpointId = delivery.target.endpointId;
      taken.set(endpointId, (taken.get(endpointId) ?? 0) + 1);
      this.start(delivery);
    }
    const saturated =
      claimed.length === room ||
      [...taken].some(
        ([endpointId, n]) =>
          n + (busy.get(endpointId) ?? 0) >= (allowances.get(endpointId) ?? this.perEndpoint),
      );
    return { claimed: claimed.length, room, saturated };
  }

  /** Resolves when the next attempt in flight ends (at once when none is in flight). */
  anAttemptEnded(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Resolves once every attempt started so far has ended and been recorded (or failed to be). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Attempts in flight in this process. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** How many attempts `endpointId` may have in flight in this process now. */
  allowance(endpointId: number): number {
    return this.endpoints.allowance(endpointId);
  }

  /** Endpoints held below the per-endpoint bound because they failed, in this process. */
  get throttledEndpoints(): number {
    return this.endpoints.throttledCount;
  }

  /**
   * Housekeeping: cancels the messages of removed and disabled endpoints and
   * deletes those finished more than `retainMs` ago, at most `limit` each.
   */
  tidy(retainMs: number, limit = 1000): Promise<number> {
    const now = this.deps.clock.now();
    return this.deps.uow.run((stores) => stores.outbox.tidy(now, now - retainMs, limit));
  }

  private start(delivery: ClaimedDelivery): void {
    const endpointId = delivery.target.endpointId;
    this.inFlight++;
    this.endpoints.started(endpointId);
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
        const settlement = settlementOf(delivery, result, startedAt, this.delays, this.random());
        ended =
          settlement.outcome === 'delivered' || settlement.outcome === 'gone' ? settlement.outcome : 'failed';
        await this.settler.submit(settlement);
        this.deps.metrics?.webhookAttempt(settlement.outcome, settlement.durationMs / 1000);
      })
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        this.inFlight--;
        this.endpoints.ended(endpointId, ended, this.deps.clock.now());
        this.deps.metrics?.webhookEndpointsThrottled(this.endpoints.throttledCount);
        this.running.delete(attempt);
        for (const wake of this.roomWaiters.splice(0)) wake();
      });
    this.running.add(attempt);
  }
}
