import { describe, expect, it } from 'vitest';
import type { ClaimedDelivery } from '../ports/index.js';
import { RETRY_JITTER, retryDelay, STANDARD_RETRY_DELAYS_MS, settlementOf } from './webhook-retries.js';

const HOUR = 3_600_000;
const claimed = (attempt: number): ClaimedDelivery => ({
  deliveryId: 7,
  attempt,
  target: { endpointId: 3, url: 'https://example.com/h', secret: 'whsec_eA==' },
  message: { id: 'msg_1', type: 'reservation.created', at: 0, reservation: {} as never, reason: null },
});

describe('the webhook retry schedule', () => {
  it('is the Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first attempt', () => {
    expect(STANDARD_RETRY_DELAYS_MS).toEqual([
      5_000,
      300_000,
      1_800_000,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      10 * HOUR,
    ]);
    // Without jitter (random 0.5), the waits are exactly the schedule; the eighth attempt is the last.
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelay(n, STANDARD_RETRY_DELAYS_MS, 0.5))).toEqual([
      ...STANDARD_RETRY_DELAYS_MS,
      null,
    ]);
  });

  it('keeps retrying for at least 24 hours in all, however the jitter falls, and at most about 30', () => {
    const total = (random: number) =>
      [1, 2, 3, 4, 5, 6, 7].reduce((sum, n) => sum + retryDelay(n, STANDARD_RETRY_DELAYS_MS, random)!, 0);
    expect(total(0)).toBeGreaterThanOrEqual(24 * HOUR);
    expect(total(0.999_999)).toBeLessThanOrEqual(31 * HOUR);
    for (let i = 0; i < 7; i++) {
      const base = STANDARD_RETRY_DELAYS_MS[i]!;
      const low = retryDelay(i + 1, STANDARD_RETRY_DELAYS_MS, 0)!;
      const high = retryDelay(i + 1, STANDARD_RETRY_DELAYS_MS, 0.999_999)!;
      expect(low).toBe(Math.round(base * (1 - RETRY_JITTER)));
      expect(high).toBeLessThanOrEqual(Math.round(base * (1 + RETRY_JITTER)));
      // Jitter spreads retries: two random draws give different waits.
      expect(retryDelay(i + 1, STANDARD_RETRY_DELAYS_MS, 0.2)).not.toBe(
        retryDelay(i + 1, STANDARD_RETRY_DELAYS_MS, 0.7),
      );
    }
  });

  it('delivers on any 2xx, gives up and disables on 410, retries anything else until no attempt is left', () => {
    const at = 1_000_000;
    const answered = (status: number) => ({ kind: 'answered' as const, status, durationMs: 40 });
    for (const status of [200, 201, 202, 204, 299]) {
      expect(settlementOf(claimed(1), answered(status), at, [5_000], 0.5).outcome).toBe('delivered');
    }
    expect(settlementOf(claimed(1), answered(410), at, [5_000], 0.5)).toMatchObject({
      outcome: 'gone',
      responseStatus: 410,
      nextAttemptAt: null,
    });
    for (const status of [301, 302, 400, 404, 429, 500, 503]) {
      expect(settlementOf(claimed(1), answered(status), at, [5_000], 0.5)).toMatchObject({
        outcome: 'retry',
        responseStatus: status,
        nextAttemptAt: at + 40 + 5_000,
      });
    }
    const timedOut = { kind: 'failed' as const, error: 'timed out after 20 s', durationMs: 20_000 };
    expect(settlementOf(claimed(1), timedOut, at, [5_000], 0.5)).toEqual({
      deliveryId: 7,
      endpointId: 3,
      attempt: 1,
      outcome: 'retry',
      startedAt: at,
      durationMs: 20_000,
      responseStatus: null,
      error: 'timed out after 20 s',
      nextAttemptAt: at + 20_000 + 5_000,
    });
    expect(settlementOf(claimed(2), timedOut, at, [5_000], 0.5).outcome).toBe('failed');
    expect(settlementOf(claimed(8), answered(500), at, STANDARD_RETRY_DELAYS_MS, 0.5).outcome).toBe('failed');
  });
});
