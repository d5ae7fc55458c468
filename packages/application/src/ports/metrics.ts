import type { ErrorCode } from '@exam-reservation/domain';

/** How one webhook attempt ended, for counting. */
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'failed' | 'gone';

/**
 * What the use cases tell operators as they work. Every method is called on
 * hot paths, so an implementation must be cheap and must never throw.
 */
export interface Metrics {
  /**
   * One confirmation was answered (alone, in a batch, or as one id of a bulk
   * action): `confirmed` (including a no-op on a confirmed one) or the code
   * of its refusal. Replayed Idempotency-Key answers are not counted.
   */
  confirmation(outcome: 'confirmed' | ErrorCode): void;
  /** A booking was refused because some slot had no room for it. */
  bookingRefusedForCapacity(): void;
  /** One unit of work decided this many confirmations together. */
  confirmationBatch(size: number): void;
  /** One admission ended; `result` is null when it failed. */
  admission(
    result: { confirmed: number; rejected: number; leftPending: number } | null,
    seconds: number,
  ): void;
  /**
   * The waiting list confirmed `confirmed` reservations over one freed room,
   * `lagSeconds` after the change that freed it.
   */
  waitingListPromotion(confirmed: number, lagSeconds: number): void;
  /** One webhook attempt ended. */
  webhookAttempt(outcome: WebhookAttemptOutcome, seconds: number): void;
  /** How many endpoints this process now holds to fewer attempts in flight, because they kept failing. */
  webhookEndpointsThrottled(count: number): void;
}

/** Counts nothing: when metrics are off. */
export const NO_METRICS: Metrics = {
  confirmation: () => undefined,
  bookingRefusedForCapacity: () => undefined,
  confirmationBatch: () => undefined,
  admission: () => undefined,
  waitingListPromotion: () => undefined,
  webhookAttempt: () => undefined,
  webhookEndpointsThrottled: () => undefined,
};
