import { type components, unwrap } from '@exam-reservation/client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConsoleContext } from './context.js';
import { ErrorLine, ListTable } from './parts.js';
import { type Health, healthOf } from './webhook-health.js';

type Endpoint = components['schemas']['Webhook'];

/** How many of an endpoint's latest messages its health is read from. */
const RECENT = 20;

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
