/**
 * `pnpm bench [--quick] [--runs N] [--only-confirm | --only-admission]`: the end-to-end benchmark.
 *
 * Each run starts the API as the README does (built, `node apps/api/dist/main.js`)
 * on a fresh PostgreSQL database and drives it over HTTP from a separate
 * process (bench/http/driver.ts). In the same run it measures two ceilings on
 * the same machine: the project's own confirm statements through pgbench
 * against the same server, and a bare Node HTTP server through the same
 * driver. Reports medians over the runs, ratios to the ceilings, the API's
 * peak RSS and whether the capacity invariant held.
 */
import { execFileSync, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, startTestServer } from '@exam-reservation/adapters-postgres/testing';
import pg from 'pg';
import type { BenchRequest, JobResult } from './driver.js';
import { writePgbenchConfirm } from './pgbench-confirm.js';
import { latencySvg } from './plot.js';
import { type RushReport, rushLines, rushRun } from './rush.js';
import { percentile } from './stats.js';
import {
  bareServer,
  json,
  peakRssMb,
  root,
  rssMb,
  seoulDate,
  startCommand,
  startDriver,
  waitFor,
} from './support.js';
import { type WebhookConfirmReport, webhookConfirmLines, webhookConfirmScenario } from './webhook-confirm.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 1 : 3;
/** `--only-confirm`: stop each run after scenario (1), for profiling and quick checks of it. */
const onlyConfirm = args.includes('--only-confirm');
/** `--only-admission`: run scenario (5) alone, for profiling and quick checks of it. */
const onlyAdmission = args.includes('--only-admission');
/** `--only-rush`: run the registration rush (6) alone, with its ceilings. */
const onlyRush = args.includes('--only-rush');

const CAPACITY = 50_000;
const HOT_RESERVATIONS = quick ? 500 : 2_000;
const HOT_PEOPLE = CAPACITY / HOT_RESERVATIONS; // exactly fills the window
/**
 * (1w)'s windows are longer than (1)'s (5,000 reservations of 10 people, a few
 * seconds each): one-second windows of 2,000 spread ±15 % from one to the
 * next, too much to tell a 10 % difference. BENCH_WEBHOOK_RESERVATIONS=2000
 * runs (1w) with windows the size of (1)'s (a divisor of 50,000); BENCH_WEBHOOK_WARMUP=1 confirms one
 * "with" window first, not counted.
 */
const WEBHOOK_RESERVATIONS = Number(process.env.BENCH_WEBHOOK_RESERVATIONS ?? (quick ? 1_000 : 5_000));
if (
  !Number.isSafeInteger(WEBHOOK_RESERVATIONS) ||
  WEBHOOK_RESERVATIONS < 1 ||
  CAPACITY % WEBHOOK_RESERVATIONS !== 0
) {
  throw new Error('BENCH_WEBHOOK_RESERVATIONS must be a whole number that divides 50,000');
}
const SPREAD_RESERVATIONS = quick ? 600 : 3_000;
const SCHEDULE_REQUESTS = quick ? 100 : 500;
const GET_REQUESTS = quick ? 2_000 : 10_000;
const ADMISSION_PENDING = quick ? 10_000 : 100_000;
/** Single confirmations kept in flight beside the admission. */
const ADMISSION_SINGLES_IN_FLIGHT = 4;
const ZONE = 'Asia/Seoul';
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };

/** Latency of the single confirmations sent beside (or before) the admission. */
interface SinglesReport {
  n: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

interface AdmissionReport {
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

interface RunReport {
  scenarios: Record<string, JobResult>;
  admission?: AdmissionReport;
  webhookConfirm?: WebhookConfirmReport;
  pgbench: { tps: number; latencyMs: number; transactions: number; failed: number };
  bare: JobResult;
  peakRssMb: number;
  invariantHeld: boolean;
  overfullSlots: number;
  confirmedInHotWindow: number;
}

async function oneRun(adminUrl: string, index: number): Promise<RunReport> {
  const database = await createTestDatabase(adminUrl);
  const port = 18_000 + Math.floor(Math.random() * 2_000);
  const origin = `http://127.0.0.1:${port}`;
  // BENCH_API_NODE_FLAGS="--cpu-prof --cpu-prof-dir=bench/results" profiles the API.
  const flags = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const api = spawn(process.execPath, [...flags, ...(await startCommand())], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: database.url,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
      // The benchmarks register their users from one address.
      REGISTRATIONS_PER_ADDRESS_PER_HOUR: '1000000',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      APP_TIMEZONE: ZONE,
      SLOT_CAPACITY: String(CAPACITY),
      LEAD_TIME_DAYS: '3',
      LOG_LEVEL: 'info', // the default: one JSON line per request, as in production
      NODE_ENV: 'production',
      // Metrics on, as an operated deployment runs; (1w)'s webhook receiver is on loopback.
      METRICS_TOKEN: 'bench-metrics-token-0123456789',
      WEBHOOK_ALLOW_PRIVATE: 'true',
    },
    // BENCH_API_STDOUT=<file> keeps the API's output (its request log, or --trace-gc lines).
    stdio: [
      'ignore',
      process.env.BENCH_API_STDOUT ? openSync(process.env.BENCH_API_STDOUT, 'w') : 'ignore',
      'inherit',
    ],
  });
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  db.on('error', () => undefined); // the database is dropped with force at the end
  const driver = startDriver();
  try {
    await waitFor(`${origin}/readyz`, 30_000);
    await driver.warmUp(origin);
    const admin = await json<{ access_token: string }>(origin, 'POST', '/users/login', ADMIN);
    const adminAuth = { authorization: `Bearer ${admin.access_token}`, 'content-type': 'application/json' };
    const users: string[] = [];
    // The API's RSS, sampled every 50 ms: the highest value seen in each phase.
    const rss: [string, number][] = [];
    let phaseMax = 0;
    const sampler = setInterval(() => {
      void rssMb(api.pid!).then(
        (mb) => {
          phaseMax = Math.max(phaseMax, mb);
        },
        () => undefined,
      );
    }, 50);
    const endPhase = (label: string): void => {
      rss.push([label, phaseMax]);
      phaseMax = 0;
    };
    for (let i = 0; i < 32; i++) {
      const email = `bench-${index}-${i}@example.com`;
      await json(origin, 'POST', '/users/register', {
        email,
        password: 'bench-password',
        user_name: `bench ${i}`,
      });
      users.push(
        (
          await json<{ access_token: string }>(origin, 'POST', '/users/login', {
            email,
            password: 'bench-password',
          })
        ).access_token,
      );
    }
    const auth = (i: number) => ({
      authorization: `Bearer ${users[i % users.length]}`,
      'content-type': 'application/json',
    });

    endPhase('start and 33 logins');
    if (onlyAdmission) {
      clearInterval(sampler);
      const admission = await admissionScenario(origin, db, admin.access_token, api.pid!);
      return {
        scenarios: {},
        admission,
        pgbench: { tps: Number.NaN, latencyMs: Number.NaN, transactions: 0, failed: 0 },
        bare: undefined as unknown as JobResult,
        peakRssMb: await peakRssMb(api.pid!),
        invariantHeld: admission.invariantHeld,
        overfullSlots: admission.invariantHeld ? 0 : -1,
        confirmedInHotWindow: 0,
      };
    }
    // (2) creation, 32 in flight: the hot window's pending reservations.
    const hotDay = seoulDate(10);
    const create = await driver.run(
      origin,
      32,
      Array.from({ length: HOT_RESERVATIONS }, (_, i) => ({
        method: 'POST' as const,
        path: '/reservations',
        headers: auth(i),
        body: JSON.stringify({
          reservation_name: `hot ${i}`,
          start: `${hotDay} 09:00`,
          end: `${hotDay} 10:00`,
          number_of_people: HOT_PEOPLE,
        }),
      })),
      [201],
    );
    const hotIds = (
      await db.query<{ id: number }>('select id from reservations where status = $1 order by id', ['pending'])
    ).rows.map((r) => r.id);

    endPhase('(2) create');
    // Warm-up, not measured: the confirm route's first calls compile its code
    // paths (JIT). A server is warm when registration opens; 300 confirmations
    // on another day, away from the hot window, stand for the traffic before.
    const warmDay = seoulDate(12);
    const warm = await driver.run(
      origin,
      32,
      Array.from({ length: 300 }, (_, i) => ({
        method: 'POST' as const,
        path: '/reservations',
        headers: auth(i),
        body: JSON.stringify({
          reservation_name: `warm-up ${i}`,
          start: `${warmDay} ${String(i % 24).padStart(2, '0')}:00`,
          end: `${warmDay} ${String(i % 24).padStart(2, '0')}:10`,
          number_of_people: 1,
        }),
      })),
      [201],
    );
    if (warm.errors > 0) throw new Error(`warm-up bookings failed: ${JSON.stringify(warm.statuses)}`);
    const warmIds = (
      await db.query<{ id: number }>(`select id from reservations where reservation_name like 'warm-up %'`)
    ).rows.map((r) => r.id);
    await driver.run(
      origin,
      64,
      warmIds.map((id) => ({
        method: 'POST' as const,
        path: `/reservations/${id}/confirm`,
        headers: adminAuth,
      })),
      [200],
    );
    // (1) admin confirmations on the hot window, 64 in flight: exactly fills it.
    const confirm = await driver.run(
      origin,
      64,
      hotIds.map((id) => ({
        method: 'POST' as const,
        path: `/reservations/${id}/confirm`,
        headers: adminAuth,
      })),
      [200],
    );

    endPhase('(1) confirm');
    // (1w) the same with one webhook endpoint subscribed, beside its own control.
    const webhookConfirm = await webhookConfirmScenario({
      origin,
      driver,
      day: seoulDate(7),
      reservations: WEBHOOK_RESERVATIONS,
      people: CAPACITY / WEBHOOK_RESERVATIONS,
      adminToken: admin.access_token,
      userHeaders: auth,
      idsNamed: async (prefix) =>
        (
          await db.query<{ id: number }>(
            `select id from reservations where status = 'pending' and reservation_name like $1 order by id`,
            [`${prefix}%`],
          )
        ).rows.map((r) => r.id),
    });
    endPhase('(1w) confirm with a webhook');
    if (onlyConfirm) {
      clearInterval(sampler);
      return {
        webhookConfirm,
        scenarios: { confirm, create },
        pgbench: { tps: Number.NaN, latencyMs: Number.NaN, transactions: 0, failed: 0 },
        bare: confirm,
        peakRssMb: await peakRssMb(api.pid!),
        invariantHeld: true,
        overfullSlots: 0,
        confirmedInHotWindow: Number(
          (
            await db.query<{ n: string }>(
              `select count(*) as n from reservations where status = 'confirmed' and reservation_name like 'hot %'`,
            )
          ).rows[0]?.n ?? 0,
        ),
      };
    }
    // (3) schedules over 180 days with confirmed reservations spread across them.
    const firstDay = 20;
    const spread = Array.from({ length: SPREAD_RESERVATIONS }, (_, i) => {
      const day = seoulDate(firstDay + (i % 180));
      const hour = String((i * 7) % 23).padStart(2, '0');
      const minutes = [10, 20, 30, 60][i % 4]!;
      const endHour = String(((i * 7) % 23) + (minutes === 60 ? 1 : 0)).padStart(2, '0');
      const endMinute = minutes === 60 ? '00' : String(minutes);
      return {
        method: 'POST' as const,
        path: '/reservations',
        headers: auth(i),
        body: JSON.stringify({
          reservation_name: `spread ${i}`,
          start: `${day} ${hour}:00`,
          end: `${day} ${endHour}:${endMinute}`,
          number_of_people: 1 + (i % 200),
        }),
      };
    });
    const seeded = await driver.run(origin, 32, spread, [201]);
    if (seeded.errors > 0)
      throw new Error(`seeding the spread reservations failed: ${JSON.stringify(seeded.statuses)}`);
    const spreadIds = (
      await db.query<{ id: number }>(
        `select id from reservations where status = $1 and reservation_name like 'spread %' order by id`,
        ['pending'],
      )
    ).rows.map((r) => r.id);
    const confirmedSpread = await driver.run(
      origin,
      32,
      spreadIds.map((id) => ({
        method: 'POST' as const,
        path: `/reservations/${id}/confirm`,
        headers: adminAuth,
      })),
      [200],
    );
    if (confirmedSpread.errors > 0) throw new Error('confirming the spread reservations failed');
    endPhase(`seeding ${SPREAD_RESERVATIONS} spread`);
    const schedule: BenchRequest = {
      method: 'GET',
      path: `/reservations/schedules?start=${seoulDate(firstDay)}&end=${seoulDate(firstDay + 179)}`,
      headers: auth(0),
    };
    const schedules = await driver.run(origin, 8, [schedule], [200], SCHEDULE_REQUESTS);

    endPhase('(3) schedules');
    // (3b) the same, one caller at a time: the latency a user sees.
    const schedulesAlone = await driver.run(origin, 1, [schedule], [200], Math.ceil(SCHEDULE_REQUESTS / 4));

    // (4) one reservation by id, as its owner.
    const owned = await db.query<{ id: number; email: string }>(
      `select r.id, u.email from reservations r join users u on u.id = r.user_id where u.email like 'bench-%' order by r.id limit 500`,
    );
    const tokenByEmail = new Map(users.map((t, i) => [`bench-${index}-${i}@example.com`, t]));
    const getOne = await driver.run(
      origin,
      32,
      owned.rows.map((r) => ({
        method: 'GET' as const,
        path: `/reservations/${r.id}`,
        headers: { authorization: `Bearer ${tokenByEmail.get(r.email)}` },
      })),
      [200],
      GET_REQUESTS,
    );

    endPhase('(4) get one');
    clearInterval(sampler);
    // (5) admission, last: it confirms a whole day, which no scenario above should see.
    const admission = await admissionScenario(origin, db, admin.access_token, api.pid!);
    const peakRss = await peakRssMb(api.pid!);
    process.stdout.write(
      `API RSS, highest sample per phase (MB): ${rss.map(([k, v]) => `${k}: ${v.toFixed(0)}`).join(', ')}; VmHWM ${peakRss.toFixed(0)}\n`,
    );

    // Invariant straight from the reservations table, not from the ledger.
    const overfull = await db.query<{ slots: string }>(
      `select count(*) as slots from (
         select s.slot, sum(r.number_of_people) as load
         from reservations r
         cross join lateral generate_series(r.start_time, r.end_time - interval '10 minutes', interval '10 minutes') as s(slot)
         where r.status = 'confirmed'
         group by s.slot
         having sum(r.number_of_people) > $1) t`,
      [CAPACITY],
    );
    const hotConfirmed = await db.query<{ n: string }>(
      `select count(*) as n from reservations where status = 'confirmed' and reservation_name like 'hot %'`,
    );

    // Ceiling 1: the same hot-window confirmation as raw SQL through pgbench.
    const pgbench = await writePgbenchConfirm(db, database.url, HOT_RESERVATIONS, HOT_PEOPLE, seoulDate(11));

    // Ceiling 2: a bare Node HTTP server through the same driver.
    const bare = await bareServer(driver, GET_REQUESTS);

    return {
      scenarios: { confirm, create, schedules, schedulesAlone, getOne },
      admission,
      webhookConfirm,
      pgbench,
      bare,
      peakRssMb: peakRss,
      invariantHeld: Number(overfull.rows[0]?.slots ?? 1) === 0 && admission.invariantHeld,
      overfullSlots: Number(overfull.rows[0]?.slots ?? -1),
      confirmedInHotWindow: Number(hotConfirmed.rows[0]?.n ?? 0),
    };
  } catch (error) {
    process.stderr.write(
      `run ${index + 1} failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    throw error;
  } finally {
    await driver.close();
    await db.end();
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    await database.drop();
  }
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
async function admissionScenario(
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

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return percentile(sorted, 50);
};

async function main(): Promise<void> {
  process.stdout.write('building (tsc -b, then the start bundle)…\n');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  const server = await startTestServer();
  process.stdout.write(`PostgreSQL: ${server.source}\n`);
  const reports: RunReport[] = [];
  const rushReports: RushReport[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      process.stdout.write(`run ${i + 1}/${runs}…\n`);
      if (!onlyRush) reports.push(await oneRun(server.adminUrl, i));
      if (onlyConfirm || onlyAdmission) continue;
      process.stdout.write(`run ${i + 1}/${runs}: the registration rush…\n`);
      const driver = startDriver();
      try {
        rushReports.push(await rushRun(server.adminUrl, driver, { quick }));
      } finally {
        await driver.close();
      }
    }
  } finally {
    await server.stop();
  }
  const machine = `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; PostgreSQL: ${server.source}`;
  const rushSection = (): string[] => [
    `(6) The registration rush: ${quick ? 300 : 2_000} candidate accounts, 64 requests in flight; one API process, ` +
      'then two behind HAProxy reaching PostgreSQL through PgBouncer (transaction pooling), each on a fresh database; ' +
      'medians over the runs, ratios to the ceilings measured in the same run.',
    '',
    ...rushLines(rushReports, median),
  ];

  if (onlyRush) {
    const summary = [
      machine,
      `Runs: ${runs}${quick ? ' (--quick)' : ''}; --only-rush.`,
      '',
      ...rushSection(),
    ].join('\n');
    process.stdout.write(`\n${summary}\n`);
    const out = join(root, 'bench/results');
    await mkdir(out, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await writeFile(
      join(out, `http-rush-${stamp}.json`),
      JSON.stringify({ quick, runs, rush: rushReports.map(stripRushTimelines) }, null, 2),
    );
    process.stdout.write(`\nresults: bench/results/http-rush-${stamp}.json\n`);
    return;
  }

  if (onlyAdmission) {
    const summary = [
      machine,
      `Runs: ${runs}${quick ? ' (--quick)' : ''}; --only-admission.`,
      '',
      ...admissionLines(reports),
    ].join('\n');
    process.stdout.write(`\n${summary}\n`);
    const out = join(root, 'bench/results');
    await mkdir(out, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await writeFile(
      join(out, `http-admission-${stamp}.json`),
      JSON.stringify({ quick, runs, admission: reports.map((r) => r.admission) }, null, 2),
    );
    process.stdout.write(`\nresults: bench/results/http-admission-${stamp}.json\n`);
    return;
  }

  const names: [string, string][] = [
    ['confirm', `(1) confirm, hot window, ${HOT_RESERVATIONS} × ${HOT_PEOPLE} people, 64 in flight`],
    ['create', '(2) create reservation, 32 in flight'],
    ['schedules', '(3) GET schedules over 180 days, 8 in flight'],
    ['schedulesAlone', '(3) GET schedules over 180 days, 1 in flight'],
    ['getOne', '(4) GET /reservations/{id}, 32 in flight'],
  ];
  const m = (pick: (r: RunReport) => number): number => median(reports.map(pick));
  const pgbenchTps = m((r) => r.pgbench.tps);
  const bareTps = m((r) => r.bare.throughput);
  const lines: string[] = [];
  lines.push(machine);
  lines.push(`Runs: ${runs}${quick ? ' (--quick)' : ''}; figures are medians over the runs.`);
  lines.push('');
  lines.push('| scenario | req/s | p50 ms | p99 ms | errors | ratio to ceiling |');
  lines.push('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const [key, label] of names) {
    if (onlyConfirm && key !== 'confirm' && key !== 'create') continue;
    const tps = m((r) => r.scenarios[key]!.throughput);
    const ratio = onlyConfirm
      ? '–'
      : key === 'confirm'
        ? `${(tps / pgbenchTps).toFixed(2)} of pgbench confirm`
        : `${(tps / bareTps).toFixed(2)} of bare HTTP`;
    lines.push(
      `| ${label} | ${tps.toFixed(0)} | ${m((r) => r.scenarios[key]!.p50).toFixed(2)} | ${m((r) => r.scenarios[key]!.p99).toFixed(2)} | ${m((r) => r.scenarios[key]!.errors)} | ${ratio} |`,
    );
  }
  lines.push(
    `| ceiling: pgbench, the project's confirm statements, 64 clients | ${pgbenchTps.toFixed(0)} | ${m((r) => r.pgbench.latencyMs).toFixed(2)} (avg) | – | ${m((r) => r.pgbench.failed)} | – |`,
  );
  lines.push(
    `| ceiling: bare Node HTTP server, fixed JSON, 32 in flight | ${bareTps.toFixed(0)} | ${m((r) => r.bare.p50).toFixed(2)} | ${m((r) => r.bare.p99).toFixed(2)} | ${m((r) => r.bare.errors)} | – |`,
  );
  lines.push('');
  lines.push(
    `API peak RSS (VmHWM): ${m((r) => r.peakRssMb).toFixed(0)} MB (max over runs ${Math.max(...reports.map((r) => r.peakRssMb)).toFixed(0)} MB)`,
  );
  lines.push(
    `Invariant (sum per slot from the reservations table ≤ ${CAPACITY}) held in every run: ${reports.every((r) => r.invariantHeld) ? 'yes' : 'NO'}; hot-window confirmations accepted: ${reports.map((r) => r.confirmedInHotWindow).join(', ')} of ${HOT_RESERVATIONS}`,
  );
  if (onlyConfirm)
    lines.splice(lines.length - 5, 5); // no ceilings, RSS or invariant in a partial run
  else {
    // Each run on its own, beside the ceilings measured in it: how fast the shared machine was.
    lines.push('');
    lines.push(
      '| run | (1) req/s | (1) p50 ms | (1) p99 ms | (3) 1 in flight p50 ms | pgbench tps | bare HTTP req/s | peak RSS MB |',
    );
    lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    reports.forEach((r, i) => {
      const c = r.scenarios.confirm!;
      lines.push(
        `| ${i + 1} | ${c.throughput.toFixed(0)} | ${c.p50.toFixed(1)} | ${c.p99.toFixed(1)} | ${r.scenarios.schedulesAlone!.p50.toFixed(1)} | ${r.pgbench.tps.toFixed(0)} | ${r.bare.throughput.toFixed(0)} | ${r.peakRssMb.toFixed(0)} |`,
      );
    });
  }
  lines.push(
    ...webhookConfirmLines(
      reports.map((r) => r.webhookConfirm),
      pgbenchTps,
      median,
    ),
  );
  if (!onlyConfirm) lines.push('', ...admissionLines(reports));
  if (rushReports.length > 0) lines.push('', ...rushSection());
  const summary = lines.join('\n');
  process.stdout.write(`\n${summary}\n`);

  const out = join(root, 'bench/results');
  await mkdir(out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await writeFile(
    join(out, `http-${stamp}.json`),
    JSON.stringify(
      { quick, runs, reports: reports.map(stripTimeline), rush: rushReports.map(stripRushTimelines) },
      null,
      2,
    ),
  );
  const last = reports[reports.length - 1]!;
  // Every request's [ms since start, latency ms] of the last run, for a closer look at the tails.
  await writeFile(
    join(out, `http-timeline-${stamp}.json`),
    JSON.stringify(Object.fromEntries(Object.entries(last.scenarios).map(([k, v]) => [k, v.timeline]))),
  );
  await writeFile(
    join(out, `http-latency${quick ? '-quick' : ''}.svg`),
    latencySvg('Latency over the run (last run)', [
      { name: 'confirm (1)', color: '#d62728', points: last.scenarios.confirm!.timeline },
      { name: 'create (2)', color: '#1f77b4', points: last.scenarios.create!.timeline },
    ]),
  );
  process.stdout.write(
    `\nresults: bench/results/http-${stamp}.json, plot: bench/results/http-latency${quick ? '-quick' : ''}.svg\n`,
  );
}

/** The admission scenario's table: one row per run (the figures depend on the machine's speed that minute). */
function admissionLines(reports: readonly RunReport[]): string[] {
  const rows = reports.flatMap((r, i) => (r.admission ? [[i + 1, r.admission] as const] : []));
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

/** A job's result without its per-request timeline (kept in a file of its own). */
const strip = (r: JobResult) => ({ ...r, timeline: undefined });

function stripRushTimelines(report: RushReport): unknown {
  const scenarios = (s: RushReport['single']) => ({
    ...s,
    create: strip(s.create),
    schedules: strip(s.schedules),
    mixed: strip(s.mixed),
  });
  return {
    ...report,
    single: scenarios(report.single),
    scaled: scenarios(report.scaled),
    bare: strip(report.bare),
    bareBalanced: strip(report.bareBalanced),
  };
}

function stripTimeline(report: RunReport): unknown {
  return {
    ...report,
    bare: strip(report.bare),
    scenarios: Object.fromEntries(Object.entries(report.scenarios).map(([k, v]) => [k, strip(v)])),
    webhookConfirm: report.webhookConfirm && {
      windows: report.webhookConfirm.windows.map((w) => ({
        ...w,
        before: strip(w.before),
        with: strip(w.with),
        after: strip(w.after),
      })),
    },
  };
}

await main();
