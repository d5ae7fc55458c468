import type { ClaimedDelivery, DeliverySettlement, SendResult } from '../ports/index.js';

/**
 * The Standard Webhooks retry schedule: after a failed first attempt, again
 * after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (eight attempts over
 * about 27.5 hours).
 */
export const STANDARD_RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/**
 * Each wait is stretched or shrunk by up to this fraction at random, so that
 * messages that failed together (an endpoint down for a minute) do not all
 * come back at the same instant. ±10 % keeps the standard schedule above
 * 24 hours in all.
 */
export const RETRY_JITTER = 0.1;

/**
 * How long to wait after failed attempt `attempt` (1-based), jittered, or
 * null when it was the last one.
 * @param random a number in [0, 1)
 */
export function retryDelay(attempt: number, delaysMs: readonly number[], random: number): number | null {
  const base = delaysMs[attempt - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random));
}

/**
 * What an attempt's result means for its message: a 2xx answer delivers it;
 * `410 Gone` ends it and disables the endpoint; anything else (another
 * status, a redirect, no answer) is retried on the schedule until no
 * attempt is left.
 */
export function settlementOf(
  claimed: ClaimedDelivery,
  result: SendResult,
  startedAt: number,
  delaysMs: readonly number[],
  random: number,
): DeliverySettlement {
  const common = {
    deliveryId: claimed.deliveryId,
    endpointId: claimed.target.endpointId,
    attempt: claimed.attempt,
    startedAt,
    durationMs: Math.max(0, Math.round(result.durationMs)),
    responseStatus: result.kind === 'answered' ? result.status : null,
    error: result.kind === 'failed' ? result.error : null,
  };
  if (result.kind === 'answered' && result.status >= 200 && result.status < 300) {
    return { ...common, outcome: 'delivered', nextAttemptAt: null };
  }
  if (result.kind === 'answered' && result.status === 410) {
    return { ...common, outcome: 'gone', nextAttemptAt: null };
  }
  const wait = retryDelay(claimed.attempt, delaysMs, random);
  if (wait === null) return { ...common, outcome: 'failed', nextAttemptAt: null };
  return { ...common, outcome: 'retry', nextAttemptAt: startedAt + common.durationMs + wait };
}
