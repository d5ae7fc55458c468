import type { components } from '@exam-reservation/client';
import { describe, expect, it } from 'vitest';
import { healthOf } from './webhook-health.js';

type Delivery = components['schemas']['WebhookDelivery'];

const attempt = (at: string, status: number | null, error: string | null = null) => ({
  attempt: 1,
  started_at: `2026-12-10T${at}:00+09:00`,
  duration_ms: 12,
  response_status: status,
  error,
});
const delivery = (status: Delivery['status'], attempts: Delivery['attempts']): Delivery => ({
  id: `msg_${Math.random()}`,
  event_type: 'reservation.confirmed',
  reservation_id: 1,
  status,
  created_at: '2026-12-10T09:00:00+09:00',
  next_attempt_at: null,
  attempts,
});

describe("an endpoint's health from its recent deliveries", () => {
  it('is what the newest attempt of any message answered, with the messages counted by status', () => {
    const deliveries = [
      delivery('pending', [attempt('09:05', 500)]),
      delivery('delivered', [attempt('09:01', 503), attempt('09:03', 204)]),
      delivery('failed', [attempt('08:00', null, 'timed out')]),
    ];
    expect(healthOf({ status: 'active' }, deliveries)).toEqual({
      delivered: 1,
      pending: 1,
      failed: 1,
      last: '2026-12-10 09:05: 500 in 12 ms',
      verdict: 'failing',
    });
    expect(healthOf({ status: 'active' }, deliveries.slice(1)).verdict).toBe('healthy');
  });

  it('says why no answer came, and tells idle and disabled endpoints apart', () => {
    const timedOut = [delivery('pending', [attempt('10:00', null, 'timed out')])];
    expect(healthOf({ status: 'active' }, timedOut)).toMatchObject({
      verdict: 'failing',
      last: '2026-12-10 10:00: timed out in 12 ms',
    });
    expect(healthOf({ status: 'active' }, [])).toMatchObject({ verdict: 'idle', last: 'no attempt yet' });
    expect(healthOf({ status: 'disabled' }, timedOut).verdict).toBe('disabled');
  });
});
