import type { components } from '@exam-reservation/client';
import { wallTime } from './format.js';

type Endpoint = components['schemas']['Webhook'];
type Delivery = components['schemas']['WebhookDelivery'];

/** An endpoint's recent record, from its latest messages (newest first). */
export interface Health {
  readonly delivered: number;
  readonly pending: number;
  readonly failed: number;
  /** The newest attempt of any message: what the endpoint last answered. */
  readonly last: string;
  readonly verdict: 'healthy' | 'failing' | 'idle' | 'disabled';
}

/** Reads an endpoint's health from its recent deliveries. */
export function healthOf(endpoint: Pick<Endpoint, 'status'>, deliveries: readonly Delivery[]): Health {
  const tally = (status: Delivery['status']) => deliveries.filter((d) => d.status === status).length;
  const attempts = deliveries
    .flatMap((d) => d.attempts)
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
  const newest = attempts[0];
  const ok = newest?.response_status != null && newest.response_status >= 200 && newest.response_status < 300;
  const last = newest
    ? `${wallTime(newest.started_at)}: ${newest.response_status ?? newest.error ?? 'no answer'} in ${newest.duration_ms} ms`
    : 'no attempt yet';
  const verdict =
    endpoint.status === 'disabled' ? 'disabled' : newest === undefined ? 'idle' : ok ? 'healthy' : 'failing';
  return { delivered: tally('delivered'), pending: tally('pending'), failed: tally('failed'), last, verdict };
}
