import { type components, unwrap } from '@exam-reservation/client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConsoleContext } from './context.js';
import { wallTime } from './format.js';
import { ErrorLine, ListTable } from './parts.js';

type Endpoint = components['schemas']['Webhook'];
type Delivery = components['schemas']['WebhookDelivery'];

/** How many of an endpoint's latest messages its health is read from. */
const RECENT = 20;

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

/** The webhook endpoints and how their recent deliveries went. */
export function Webhooks({ ctx }: { ctx: ConsoleContext }) {
  const { client, fail } = ctx;
  const [rows, setRows] = useState<{ endpoint: Endpoint; health: Health }[]>();
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    try {
      const endpoints = await unwrap(client.api.GET('/webhooks'));
      const withHealth = await Promise.all(
        endpoints.map(async (endpoint) => {
          const deliveries = await unwrap(
            client.api.GET('/webhooks/{id}/deliveries', {
              params: { path: { id: endpoint.id }, query: { limit: RECENT } },
            }),
          );
          return { endpoint, health: healthOf(endpoint, deliveries) };
        }),
      );
      setRows(withHealth);
      setError(undefined);
    } catch (e) {
      setError(fail(e));
    }
  }, [client, fail]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section id="webhooks" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <div class="toolbar">
        <button type="button" onClick={load}>
          Refresh
        </button>
        <span class="hint">Health from each endpoint’s latest {RECENT} messages.</span>
      </div>
      <ErrorLine error={error} />
      {rows ? (
        <ListTable
          testid="webhooks"
          caption="Webhook endpoints"
          columns={['Id', 'URL', 'Events', 'Health', 'Delivered', 'Pending', 'Failed', 'Last attempt']}
          items={rows}
          empty="No endpoint is registered."
          row={({ endpoint, health }) => (
            <tr key={endpoint.id}>
              <td>{endpoint.id}</td>
              <td class="url">{endpoint.url}</td>
              <td>{endpoint.events.join(', ')}</td>
              <td>
                <span class={`verdict ${health.verdict}`}>{health.verdict}</span>
              </td>
              <td class="num">{health.delivered}</td>
              <td class="num">{health.pending}</td>
              <td class="num">{health.failed}</td>
              <td>{health.last}</td>
            </tr>
          )}
        />
      ) : null}
    </section>
  );
}
