/**
 * Scenario (1w) of `pnpm bench`: the hot-window confirm scenario with one
 * webhook endpoint subscribed, beside the very same scenario without it, in
 * the same run: three fresh hot windows of the same size confirmed one after
 * the other with the same driver, without, with, and without again (the
 * endpoint removed), so that a drift of the machine or the database over the
 * run does not count for or against the webhook. The endpoint is a receiver
 * in this process on loopback that answers 200 at once (the API runs with
 * WEBHOOK_ALLOW_PRIVATE=true). Reports the three, and how long the outbox
 * took to drain after the last confirmation was answered.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchRequest, JobResult } from './driver.js';

/** What (1w) measured in one run. */
export interface WebhookConfirmReport {
  /** The first window, before the endpoint was subscribed. */
  readonly without: JobResult;
  readonly with: JobResult;
  /** The third window, after the endpoint was removed. */
  readonly withoutAgain: JobResult;
  /** Webhook requests the receiver got for the confirmations of the "with" window. */
  readonly delivered: number;
  /** Of those, the ones it got while the window's confirmations were still being answered. */
  readonly deliveredDuring: number;
  /** From the last confirmation answered to the last of its webhooks received. */
  readonly drainSeconds: number;
}

interface Runner {
  run(origin: string, concurrency: number, requests: BenchRequest[], expect: number[]): Promise<JobResult>;
}

export async function webhookConfirmScenario(options: {
  origin: string;
  driver: Runner;
  /** Hot windows to book (without, with, without again): `YYYY-MM-DD` of three days not used elsewhere. */
  days: readonly [string, string, string];
  reservations: number;
  people: number;
  adminToken: string;
  userHeaders: (i: number) => Record<string, string>;
  /** Pending reservation ids booked in a window, by name prefix. */
  idsNamed: (prefix: string) => Promise<number[]>;
}): Promise<WebhookConfirmReport> {
  const { origin, driver, adminToken } = options;
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const book = async (day: string, prefix: string) => {
    const booked = await driver.run(
      origin,
      32,
      Array.from({ length: options.reservations }, (_, i) => ({
        method: 'POST' as const,
        path: '/reservations',
        headers: options.userHeaders(i),
        body: JSON.stringify({
          reservation_name: `${prefix} ${i}`,
          start: `${day} 09:00`,
          end: `${day} 10:00`,
          number_of_people: options.people,
        }),
      })),
      [201],
    );
    if (booked.errors > 0) throw new Error(`(1w) bookings failed: ${JSON.stringify(booked.statuses)}`);
    return options.idsNamed(`${prefix} `);
  };
  const confirmAll = (ids: readonly number[]) =>
    driver.run(
      origin,
      64,
      ids.map((id) => ({ method: 'POST' as const, path: `/reservations/${id}/confirm`, headers: admin })),
      [200],
    );

  const plainIds = await book(options.days[0], 'hook-control');
  const hookedIds = await book(options.days[1], 'hook-subscribed');
  const laterIds = await book(options.days[2], 'hook-removed');

  let received = 0;
  let lastAt = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      lastAt = performance.now();
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const without = await confirmAll(plainIds);
    const subscribed = await fetch(`${origin}/webhooks`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        events: [
          'reservation.created',
          'reservation.updated',
          'reservation.confirmed',
          'reservation.rejected',
          'reservation.cancelled',
        ],
      }),
    });
    if (subscribed.status !== 201) throw new Error(`(1w) subscribing failed: ${await subscribed.text()}`);
    const endpoint = (await subscribed.json()) as { id: number };
    const withHook = await confirmAll(hookedIds);
    const answered = performance.now();
    const deliveredDuring = received;
    const expected = withHook.statuses['200'] ?? 0;
    const deadline = Date.now() + 120_000;
    while (received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await fetch(`${origin}/webhooks/${endpoint.id}`, { method: 'DELETE', headers: admin });
    const withoutAgain = await confirmAll(laterIds);
    return {
      without,
      with: withHook,
      withoutAgain,
      delivered: received,
      deliveredDuring,
      drainSeconds: received === 0 ? Number.NaN : Math.max(0, lastAt - answered) / 1000,
    };
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
}

/** The rows (1w) adds to the summary table, from the reports of the runs that have it. */
export function webhookConfirmLines(
  reports: readonly (WebhookConfirmReport | undefined)[],
  pgbenchTps: number,
  median: (values: number[]) => number,
): string[] {
  const runs = reports.filter((r): r is WebhookConfirmReport => r !== undefined);
  if (runs.length === 0) return [];
  const m = (pick: (r: WebhookConfirmReport) => number) => median(runs.map(pick));
  const control = (r: WebhookConfirmReport) => (r.without.throughput + r.withoutAgain.throughput) / 2;
  const ratio = m((r) => r.with.throughput / control(r));
  const ceiling = Number.isFinite(pgbenchTps)
    ? `; ${(m((r) => r.with.throughput) / pgbenchTps).toFixed(2)} of pgbench confirm`
    : '';
  return [
    '',
    '(1w) The confirm scenario with one webhook endpoint subscribed (a receiver on loopback answering 200 at once), ' +
      'beside the same scenario without it: three fresh hot windows confirmed one after the other in each run, ' +
      'without, with, and without again:',
    '',
    '| (1w) | req/s | p50 ms | p99 ms | errors | webhooks delivered (of them during the window) | drain after last answer s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| without webhooks | ${m((r) => r.without.throughput).toFixed(0)} | ${m((r) => r.without.p50).toFixed(2)} | ${m((r) => r.without.p99).toFixed(2)} | ${m((r) => r.without.errors)} | – | – |`,
    `| one endpoint subscribed | ${m((r) => r.with.throughput).toFixed(0)} | ${m((r) => r.with.p50).toFixed(2)} | ${m((r) => r.with.p99).toFixed(2)} | ${m((r) => r.with.errors)} | ${m((r) => r.delivered)} (${m((r) => r.deliveredDuring)}) | ${m((r) => r.drainSeconds).toFixed(2)} |`,
    `| without again (endpoint removed) | ${m((r) => r.withoutAgain.throughput).toFixed(0)} | ${m((r) => r.withoutAgain.p50).toFixed(2)} | ${m((r) => r.withoutAgain.p99).toFixed(2)} | ${m((r) => r.withoutAgain.errors)} | – | – |`,
    '',
    `With / the mean of the two without: ${ratio.toFixed(2)} (median of the per-run ratios; per run: ${runs.map((r) => (r.with.throughput / control(r)).toFixed(2)).join(', ')})${ceiling}.`,
  ];
}
