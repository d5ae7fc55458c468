/**
 * Scenario (1q) of `pnpm bench --only-waiting-list`: the hot-window
 * confirmations of (1) with AUTO_ADMIT=fifo, while an admin cancels 10 % of
 * the confirmed reservations as they are confirmed; a waiting list of 10 %
 * more pending reservations, booked after the window's, takes the room.
 */
import type { JobResult } from './driver.js';
import { confirmRequests, hotBookings, warmConfirmRoute } from './hot-window.js';
import type { RunContext } from './run-context.js';
import { HOT_RESERVATIONS } from './settings.js';
import { percentile } from './stats.js';

export interface WaitingListReport {
  confirm: JobResult;
  /** Cancels of confirmed reservations sent during (1q). */
  cancelled: number;
  /** Reservations the waiting list confirmed. */
  promoted: number;
  /** Promotion lag from the metric's histogram (from the freeing change to the promotion), seconds. */
  lagP50: number;
  lagP99: number;
  lagCount: number;
  /** How long after the last confirmation the last promotion came, seconds. */
  drainSeconds: number;
}

/** The `q`-quantile of a Prometheus histogram, interpolated in its bucket as histogram_quantile does. */
export function histogramQuantile(buckets: readonly [number, number][], q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(1, count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}

async function lagBuckets(origin: string, token: string): Promise<[number, number][]> {
  const text = await (
    await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  return [...text.matchAll(/^exam_waiting_list_promotion_lag_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)].map(
    (m) => [m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2])],
  );
}

/** (1q): see the file's comment. `metricsToken` opens the API's /metrics. */
export async function confirmWithWaitingList(
  run: RunContext,
  hotIds: readonly number[],
  metricsToken: string,
): Promise<WaitingListReport> {
  const { origin, driver, db, auth, adminAuth } = run;
  await driver.run(origin, 32, hotBookings(HOT_RESERVATIONS / 10, 'wait', auth), [201]);
  await warmConfirmRoute(run);
  // Every 10th of the window, cancelled once it is confirmed (only confirmed ones free room).
  const toCancel = new Set(hotIds.filter((_, i) => i % 10 === 5));
  let confirming = true;
  let cancelled = 0;
  const canceller = (async () => {
    while (toCancel.size > 0) {
      const { rows } = await db.query<{ id: number }>(
        `select id from reservations where status = 'confirmed' and id = any($1::int[])`,
        [[...toCancel]],
      );
      await Promise.all(
        rows.map(async ({ id }) => {
          toCancel.delete(id);
          const res = await fetch(`${origin}/reservations/${id}/cancel`, {
            method: 'POST',
            headers: adminAuth,
          });
          if (res.status === 200) cancelled++;
          await res.body?.cancel();
        }),
      );
      if (!confirming && rows.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  // A confirmation the waiting list made first is a 200 no-op; one past a full window, 409.
  const confirm = await driver.run(origin, 64, confirmRequests(hotIds, adminAuth), [200, 409]);
  const confirmedAt = Date.now();
  confirming = false;
  await canceller;
  // Until nothing waits for admission (a promotion is due within AUTO_ADMIT_DELAY_MS).
  for (let i = 0; i < 200; i++) {
    const { rows } = await db.query<{ n: string }>('select count(*) as n from admission_requests');
    if (Number(rows[0]?.n) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { rows } = await db.query<{ n: string; last: Date | null }>(
    `select count(*) as n, max(at) as last from reservation_events where actor_role = 'system'`,
  );
  const buckets = await lagBuckets(origin, metricsToken);
  return {
    confirm,
    cancelled,
    promoted: Number(rows[0]?.n ?? 0),
    lagP50: histogramQuantile(buckets, 0.5),
    lagP99: histogramQuantile(buckets, 0.99),
    lagCount: buckets.at(-1)?.[1] ?? 0,
    drainSeconds: rows[0]?.last ? Math.max(0, rows[0].last.getTime() - confirmedAt) / 1000 : Number.NaN,
  };
}

/** The summary of (1q): medians over the runs, each run beside its own ceiling. */
export function waitingListLines(
  reports: readonly { waitingList?: WaitingListReport; pgbench: { tps: number }; invariantHeld: boolean }[],
): string[] {
  const runs = reports.filter((r) => r.waitingList);
  // The median as summary.ts takes it (nearest rank).
  const median = (f: (r: (typeof runs)[number]) => number) =>
    percentile(
      runs.map(f).sort((a, b) => a - b),
      50,
    );
  const w = (r: (typeof runs)[number]) => r.waitingList!;
  return [
    `(1q) The hot window's ${HOT_RESERVATIONS} confirmations, 64 in flight, with AUTO_ADMIT=${process.env.BENCH_AUTO_ADMIT ?? 'fifo'} (AUTO_ADMIT_DELAY_MS 2000):`,
    `every 10th reservation of the window cancelled by the admin as soon as it is confirmed; ${HOT_RESERVATIONS / 10} more pending behind.`,
    '',
    '| run | confirm req/s | pgbench confirm tps (ceiling) | ratio | confirm p50 ms | confirm p99 ms | cancelled | promoted | lag p50 s | lag p99 s | last promotion after the last confirmation s | capacity held |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${w(r).confirm.throughput.toFixed(0)} | ${r.pgbench.tps.toFixed(0)} | ${(w(r).confirm.throughput / r.pgbench.tps).toFixed(2)} | ${w(r).confirm.p50.toFixed(1)} | ${w(r).confirm.p99.toFixed(1)} | ${w(r).cancelled} | ${w(r).promoted} | ${w(r).lagP50.toFixed(2)} | ${w(r).lagP99.toFixed(2)} | ${w(r).drainSeconds.toFixed(2)} | ${r.invariantHeld ? 'yes' : 'NO'} |`,
    ),
    `| median | ${median((r) => w(r).confirm.throughput).toFixed(0)} | ${median((r) => r.pgbench.tps).toFixed(0)} | ${median((r) => w(r).confirm.throughput / r.pgbench.tps).toFixed(2)} | ${median((r) => w(r).confirm.p50).toFixed(1)} | ${median((r) => w(r).confirm.p99).toFixed(1)} | ${median((r) => w(r).cancelled)} | ${median((r) => w(r).promoted)} | ${median((r) => w(r).lagP50).toFixed(2)} | ${median((r) => w(r).lagP99).toFixed(2)} | ${median((r) => w(r).drainSeconds).toFixed(2)} | ${runs.every((r) => r.invariantHeld) ? 'yes' : 'NO'} |`,
  ];
}
