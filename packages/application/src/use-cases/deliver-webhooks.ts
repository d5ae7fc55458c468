import { AttemptsInFlight } from '../support/attempts-in-flight.js';
import { WebhookAllowances } from '../support/webhook-allowances.js';
import type { DeliverWebhooksDeps } from '../support/webhook-delivery-settings.js';
import { STANDARD_RETRY_DELAYS_MS } from '../support/webhook-retries.js';

export type { DeliverWebhooksDeps } from '../support/webhook-delivery-settings.js';

/** How long an endpoint's allowance is kept after its last attempt: then it starts afresh. */
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * Sends the outbox's messages, at least once each: a round claims due
 * messages under a lease and starts their attempts without waiting (see
 * {@link AttemptsInFlight}); a process that dies leaves them due again. An
 * endpoint that keeps failing gets fewer attempts in flight, so endpoints
 * that hang cannot take the whole process's room.
 */
export class DeliverWebhooks {
  private readonly endpoints: WebhookAllowances;
  private readonly attempts: AttemptsInFlight;
  private readonly maxInFlight: number;
  private readonly perEndpoint: number;

  constructor(private readonly deps: DeliverWebhooksDeps) {
    this.maxInFlight = deps.maxInFlight ?? 64;
    this.perEndpoint = deps.perEndpoint ?? 16;
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
    this.attempts = new AttemptsInFlight({
      ...deps,
      endpoints: this.endpoints,
      retryDelaysMs: deps.retryDelaysMs ?? STANDARD_RETRY_DELAYS_MS,
      random: deps.random ?? Math.random,
    });
  }

  /**
   * Claims what there is room for (at most `limit`) and starts sending it.
   * @returns what it claimed, its room, and whether it ran out of room (more may be due)
   */
  async round(
    limit = Number.POSITIVE_INFINITY,
  ): Promise<{ claimed: number; room: number; saturated: boolean }> {
    const room = Math.min(limit, this.maxInFlight - this.attempts.count);
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
      this.attempts.start(delivery);
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
    return this.attempts.oneEnded();
  }

  /** Resolves once every attempt started so far has ended and been recorded (or failed to be). */
  settled(): Promise<void> {
    return this.attempts.settled();
  }

  /** Attempts in flight in this process. */
  get inFlightCount(): number {
    return this.attempts.count;
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
}
