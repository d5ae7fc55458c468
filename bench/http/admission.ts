/**
 * Scenario (5) of `pnpm bench`: first-come-first-served admission of many
 * pending reservations, with single confirmations of them sent meanwhile.
 */
import type pg from 'pg';
import { ADMISSION_PENDING, ADMISSION_SINGLES_IN_FLIGHT, CAPACITY } from './settings.js';
import { percentile } from './stats.js';
import { json, rssMb, seoulDate } from './support.js';

/** Latency of the single confirmations sent beside (or before) the admission. */
export interface SinglesReport {
  n: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

export interface AdmissionReport {
  pending: number;
  seconds: number;
  /** Reservations decided (confirmed, rejected or left pending) per second. */
  decidedPerSecond: number;
  confirmed: number;
  leftPending: number;
  /** Single confirmations alone, just before the admission. */
  alone: SinglesReport;
  /** Single confirmations answered while the admission ran. */
  during: SinglesReport;
  peakRssMb: number;
  invariantHeld: boolean;
}

/**
 * Single confirmations, `inFlight` at a time, from this process (otherwise
 * idle: it only awaits the admission's one answer), until `until` settles,
 * or `count` of them when given.
 */
async function singles(
  origin: string,
  token: string,
  ids: readonly number[],
  options: { until?: Promise<unknown>; count?: number; seed: number },
): Promise<SinglesReport> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let done = false;
  void options.until?.finally(() => {
    done = true;
  });
  let state = options.seed;
  const nextId = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return ids[state % ids.length]!;
  };
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (!done && (options.count === undefined || sent < options.count)) {
      sent++;
      const t0 = performance.now();
      const response = await fetch(`${origin}/reservations/${nextId()}/confirm`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': '0',
        },
      });
      await response.arrayBuffer();
      // Only answers that arrived while the admission ran count as "during" it.
      if (options.until && done) break;
      latencies.push(performance.now() - t0);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: ADMISSION_SINGLES_IN_FLIGHT }, worker));
  latencies.sort((a, b) => a - b);
  return {
    n: latencies.length,
    statuses,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
  };
}

/**
 * (5) First-come-first-served admission: `ADMISSION_PENDING` pending
 * reservations spread over one day (inserted with SQL: 1–6 slots, 1–60
 * people, so about a third do not fit), one POST /reservations/admit for the
 * day, and meanwhile single confirmations of random ones of them, 4 in
 * flight: their latency while the admission holds one chunk's slots at a time.
 */
export async function admissionScenario(
  origin: string,
  db: pg.Pool,
  adminToken: string,
  apiPid: number,
): Promise<AdmissionReport> {
  const day = seoulDate(6);
  const dayStart = `${day}T00:00:00+09:00`;
  const client = await db.connect();
  let ids: number[];
  try {
    await client.query('select setseed(0.42)');
    await client.query(
      `insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
       select u.id, 'admission ' || g,
              $1::timestamptz + s * interval '10 minutes', $1::timestamptz + (s + len) * interval '10 minutes',
              people, 'pending', created, created
       from (select g, floor(random() * 138)::int as s, 1 + floor(random() * 6)::int as len,
                    1 + floor(random() * 60)::int as people,
                    now() - interval '1 hour' + g * interval '1 millisecond' as created
             from generate_series(1, $2::int) g) t
       cross join (select min(id) as id from users where email like 'bench-%') u`,
      [dayStart, ADMISSION_PENDING],
    );
    await client.query('analyze reservations');
    ids = (
      await client.query<{ id: number }>(
        `select id from reservations where reservation_name like 'admission %'`,
      )
    ).rows.map((r) => r.id);
  } finally {
    client.release();
  }
  // Warm the route, then the same single confirmations alone, for comparison.
  await singles(origin, adminToken, ids, { count: 200, seed: 1 });
  const alone = await singles(origin, adminToken, ids, { count: 1_000, seed: 2 });
  let peak = 0;
  const sampler = setInterval(() => {
    void rssMb(apiPid).then(
      (mb) => {
        peak = Math.max(peak, mb);
      },
      () => undefined,
    );
  }, 50);
  const t0 = performance.now();
  const admission = json<{ confirmed: number; rejected: number; left_pending: number }>(
    origin,
    'POST',
    '/reservations/admit',
    { start: day, end: day },
    adminToken,
  );
  const [result, during] = await Promise.all([
    admission,
    singles(origin, adminToken, ids, { until: admission, seed: 3 }),
  ]);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const overfull = await db.query<{ slots: string }>(
    `select count(*) as slots from (
       select s.slot from reservations r
       cross join lateral generate_series(r.start_time, r.end_time - interval '10 minutes', interval '10 minutes') as s(slot)
       where r.status = 'confirmed' group by s.slot having sum(r.number_of_people) > $1) t`,
    [CAPACITY],
  );
  const decided = result.confirmed + result.rejected + result.left_pending;
  return {
    pending: ADMISSION_PENDING,
    seconds,
    decidedPerSecond: decided / seconds,
    confirmed: result.confirmed,
    leftPending: result.left_pending,
    alone,
    during,
    peakRssMb: peak,
    invariantHeld: Number(overfull.rows[0]?.slots ?? 1) === 0,
  };
}

/** The admission scenario's table: one row per run (the figures depend on the machine's speed that minute). */
export function admissionLines(reports: readonly (AdmissionReport | undefined)[]): string[] {
  const rows = reports.flatMap((admission, i) => (admission ? [[i + 1, admission] as const] : []));
  if (rows.length === 0) return [];
  const pending = rows[0]![1].pending;
  return [
    `(5) Admission: ${pending.toLocaleString('en')} pending reservations over one day, one POST /reservations/admit, ` +
      `while single confirmations of random ones of them keep coming, ${ADMISSION_SINGLES_IN_FLIGHT} in flight.`,
    '',
    '| run | seconds | decided/s | confirmed | left pending | singles alone p50 / p99 ms | singles during admission: n, p50 / p99 / max ms | API peak RSS during MB | invariant |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      ([run, a]) =>
        `| ${run} | ${a.seconds.toFixed(1)} | ${a.decidedPerSecond.toFixed(0)} | ${a.confirmed} | ${a.leftPending} | ` +
        `${a.alone.p50.toFixed(1)} / ${a.alone.p99.toFixed(1)} | ${a.during.n}, ${a.during.p50.toFixed(1)} / ` +
        `${a.during.p99.toFixed(1)} / ${a.during.max.toFixed(1)} | ${a.peakRssMb.toFixed(0)} | ${a.invariantHeld ? 'held' : 'BROKEN'} |`,
    ),
  ];
}
