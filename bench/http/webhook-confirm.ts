/**
 * Scenario (1w) of `pnpm bench`: the hot-window confirm scenario with one
 * webhook endpoint subscribed, beside the very same scenario without it, in
 * the same run: five fresh hot windows of the same size confirmed one after
 * the other with the same driver, alternately without and with the endpoint
 * (without, with, without, with, without; subscribed before each "with"
 * window and removed once its webhooks have all arrived), so that a drift of
 * the machine or the database over the run counts neither for nor against
 * the webhook: each "with" window is compared with the mean of the two
 * windows either side of it. The endpoint is a receiver in this process on
 * loopback that answers 200 at once (the API runs with
 * WEBHOOK_ALLOW_PRIVATE=true). Reports the windows, and how long the outbox
 * took to drain after the last confirmation of a "with" window was answered.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_EVENT_TYPES } from '@exam-reservation/application';
import type { BenchRequest, JobResult } from './driver.js';

/** One "with" window of (1w), between its two controls. */
export interface WebhookWindow {
  /** The window before, without an endpoint. */
  readonly before: JobResult;
  readonly with: JobResult;
  /** The window after, without an endpoint (the one subscribed was removed). */
  readonly after: JobResult;
  /** Webhook requests the receiver got for the confirmations of the "with" window. */
  readonly delivered: number;
  /** Of those, the ones it got while the window's confirmations were still being answered. */
  readonly deliveredDuring: number;
  /** From the last confirmation answered to the last of its webhooks received. */
  readonly drainSeconds: number;
}

/** What (1w) measured in one run: two "with" windows, each between two without. */
export interface WebhookConfirmReport {
  readonly windows: readonly WebhookWindow[];
}

interface Runner {
  run(origin: string, concurrency: number, requests: BenchRequest[], expect: number[]): Promise<JobResult>;
}

/** The pause before each window, after whatever came before it (bookings, or a drain). */
const REST_MS = 2_000;

/** How many "with" windows a run has (2 × this + 1 windows in all). */
const WITH_WINDOWS = 2;

export async function webhookConfirmScenario(options: {
  origin: string;
  driver: Runner;
  /** A `YYYY-MM-DD` day not used elsewhere: the windows are hours of it (09:00, 11:00, …). */
  day: string;
  /** Reservations per window, of `people` each: together they fill the window. */
  reservations: number;
  people: number;
  adminToken: string;
  userHeaders: (i: number) => Record<string, string>;
  /** Pending reservation ids booked in a window, by name prefix. */
  idsNamed: (prefix: string) => Promise<number[]>;
}): Promise<WebhookConfirmReport> {
  const { origin, driver, adminToken } = options;
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const book = async (window: number) => {
    const prefix = `hook-window-${window}`;
    const hour = String(9 + 2 * window).padStart(2, '0');
    const next = String(10 + 2 * window).padStart(2, '0');
    const booked = await driver.run(
      origin,
      32,
      Array.from({ length: options.reservations }, (_, i) => ({
        method: 'POST' as const,
        path: '/reservations',
        headers: options.userHeaders(i),
        body: JSON.stringify({
          reservation_name: `${prefix} ${i}`,
          start: `${options.day} ${hour}:00`,
          end: `${options.day} ${next}:00`,
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

  const windowIds: number[][] = [];
  for (let w = 0; w < 2 * WITH_WINDOWS + 1; w++) windowIds.push(await book(w));

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
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  /** Subscribes the receiver, confirms a window, waits for its webhooks, and removes the endpoint. */
  const hookedWindow = async (ids: readonly number[]): Promise<Omit<WebhookWindow, 'before' | 'after'>> => {
    const subscribed = await fetch(`${origin}/webhooks`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        url,
        events: WEBHOOK_EVENT_TYPES,
      }),
    });
    if (subscribed.status !== 201) throw new Error(`(1w) subscribing failed: ${await subscribed.text()}`);
    const endpoint = (await subscribed.json()) as { id: number };
    received = 0;
    const withHook = await confirmAll(ids);
    const answered = performance.now();
    const deliveredDuring = received;
    const expected = withHook.statuses['200'] ?? 0;
    const deadline = Date.now() + 120_000;
    while (received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await fetch(`${origin}/webhooks/${endpoint.id}`, { method: 'DELETE', headers: admin });
    return {
      with: withHook,
      delivered: received,
      deliveredDuring,
      drainSeconds: received === 0 ? Number.NaN : Math.max(0, lastAt - answered) / 1000,
    };
  };
  try {
    const results: JobResult[] = [];
    const hooked: Omit<WebhookWindow, 'before' | 'after'>[] = [];
    // BENCH_WEBHOOK_WARMUP=1: one "with" window first, not counted, so that the API's first
    // webhooks are not in a measured window (see BENCHMARKS.md (1w)).
    if (process.env.BENCH_WEBHOOK_WARMUP === '1') await hookedWindow(await book(2 * WITH_WINDOWS + 1));
    for (const [w, ids] of windowIds.entries()) {
      // Every window starts after the same rest: a "with" window would otherwise follow a
      // window at once, while a "without" window follows the wait for the webhooks to drain.
      await new Promise((resolve) => setTimeout(resolve, REST_MS));
      if (w % 2 === 0) {
        results.push(await confirmAll(ids));
        continue;
      }
      const window = await hookedWindow(ids);
      results.push(window.with);
      hooked.push(window);
    }
    return {
      windows: hooked.map((h, i) => ({ ...h, before: results[2 * i]!, after: results[2 * i + 2]! })),
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
  const windows = reports.flatMap((r) => r?.windows ?? []);
  if (windows.length === 0) return [];
  const m = (pick: (w: WebhookWindow) => number) => median(windows.map(pick));
  const control = (w: WebhookWindow) => (w.before.throughput + w.after.throughput) / 2;
  const ratios = windows.map((w) => w.with.throughput / control(w));
  const ceiling = Number.isFinite(pgbenchTps)
    ? `; ${(m((w) => w.with.throughput) / pgbenchTps).toFixed(2)} of pgbench confirm`
    : '';
  const row = (label: string, pick: (w: WebhookWindow) => JobResult, extra: string) =>
    `| ${label} | ${m((w) => pick(w).throughput).toFixed(0)} | ${m((w) => pick(w).seconds).toFixed(1)} | ${m((w) => pick(w).p50).toFixed(2)} | ${m((w) => pick(w).p99).toFixed(2)} | ${m((w) => pick(w).errors)} | ${extra} |`;
  return [
    '',
    '(1w) The confirm scenario with one webhook endpoint subscribed (a receiver on loopback answering 200 at once), ' +
      'beside the same scenario without it: in each run five fresh hot windows confirmed one after the other, ' +
      'alternately without and with the endpoint; each "with" window is compared with the two either side of it ' +
      '(medians over all "with" windows):',
    '',
    '| (1w) | req/s | window s | p50 ms | p99 ms | errors | webhooks delivered (of them during the window); drain after last answer |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    row('without, before', (w) => w.before, '–'),
    row(
      'one endpoint subscribed',
      (w) => w.with,
      `${m((w) => w.delivered)} (${m((w) => w.deliveredDuring)}); ${m((w) => w.drainSeconds).toFixed(2)} s`,
    ),
    row('without, after (endpoint removed)', (w) => w.after, '–'),
    '',
    `With / the mean of the two either side: ${median(ratios).toFixed(2)} (median over ${ratios.length} "with" windows; each: ${ratios.map((r) => r.toFixed(2)).join(', ')})${ceiling}.`,
  ];
}
