/**
 * The registration rush: the minute registration opens, many candidates
 * (each with an account of their own) load a week's schedule and book at
 * once, 64 requests in flight.
 *
 * - create: bookings, each by another candidate, spread over the week;
 * - schedules: the week's schedule;
 * - mixed: each client's visit — the schedule, a booking, the client's own list.
 *
 * Run on one API process, and on two behind HAProxy reaching PostgreSQL
 * through PgBouncer in transaction pooling mode (Debian's packages, as the
 * scale-out test runs them). Beside them, in the same run, the ceilings:
 * pgbench replaying the adapter's own statements for one booking per
 * transaction from 64 clients, and a bare Node HTTP server (and two behind
 * HAProxy) through the same driver at 64 in flight.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createTestDatabase } from '@exam-reservation/adapters-postgres/testing';
import pg from 'pg';
import { freePort } from '../../apps/api/test/api-process.js';
import { startHaproxy, startPgBouncer } from '../../apps/api/test/proxies.js';
import type { BenchRequest, JobResult } from './driver.js';
import { type PgbenchResult, pgbenchCreate, pgbenchCreateLean } from './pgbench-create.js';
import {
  bareServer,
  type Driver,
  peakRssMb,
  type RecordedAnswer,
  recordAnswer,
  root,
  seoulDate,
  startCommand,
  waitFor,
} from './support.js';

const JWT_SECRET = 'bench-secret-bench-secret-bench-secret';

/** The three rush scenarios on one topology, and the API processes' peak RSS. */
export interface RushScenarios {
  readonly create: JobResult;
  readonly schedules: JobResult;
  readonly mixed: JobResult;
  readonly peakRssMb: readonly number[];
  /** One week-schedule answer as the API sent it, and the schedule requests, for the replaying ceiling. */
  readonly scheduleReplay: { readonly answer: RecordedAnswer; readonly requests: BenchRequest[] };
}

export interface RushReport {
  /** One API process on PostgreSQL. */
  readonly single: RushScenarios;
  /** Two API processes behind HAProxy, through PgBouncer (transaction pooling). */
  readonly scaled: RushScenarios;
  /** pgbench: the adapter's statements for one booking per transaction, 64 clients. */
  readonly pgbenchCreate: PgbenchResult;
  /** pgbench: the leanest SQL, the reservation and its audit row in one statement per transaction, 64 clients. */
  readonly pgbenchCreateLean: PgbenchResult;
  /** A bare Node HTTP server, 64 in flight. */
  readonly bare: JobResult;
  /**
   * A bare Node HTTP server taking the schedule requests (their tokens too)
   * and answering each with the bytes of one of the API's schedule answers
   * (its header lines and body), 64 in flight.
   */
  readonly bareReplay: JobResult;
  /** Two bare Node HTTP servers behind HAProxy, 64 in flight. */
  readonly bareBalanced: JobResult;
  readonly invariantHeld: boolean;
}

export interface RushOptions {
  readonly quick: boolean;
}

/** An HS256 access token as the API issues them (the benchmark knows the API's secret). */
export function token(userId: number, role: 'user' | 'admin'): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    role,
    sub: String(userId),
    iss: 'exam-reservation',
    aud: 'exam-reservation-api',
    iat: now,
    exp: now + 3600,
  })}`;
  return `${unsigned}.${createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

interface RunningApi {
  readonly origin: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The API as the README starts it (the root `start` script's node arguments), on `databaseUrl`. */
export async function startApi(databaseUrl: string): Promise<RunningApi> {
  const port = await freePort();
  // BENCH_API_NODE_FLAGS="--cpu-prof --cpu-prof-dir=…" profiles the API processes, as in one-run.ts.
  const flags = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...(await startCommand())], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      JWT_SECRET,
      APP_TIMEZONE: 'Asia/Seoul',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      TRUST_PROXY: 'loopback',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/readyz`, 30_000);
  return {
    origin,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** `count` candidate accounts and an admin, straight into the table; tokens minted as the API would. */
export async function accounts(db: pg.Pool, count: number): Promise<{ users: string[]; admin: string }> {
  const users = await db.query<{ id: number }>(
    `insert into users (email, user_name, password_hash, role, created_at)
     select 'candidate-' || g || '@example.com', 'candidate ' || g, 'x', 'user', now()
     from generate_series(1, $1::int) g order by g returning id`,
    [count],
  );
  const admin = await db.query<{ id: number }>(
    `insert into users (email, user_name, password_hash, role, created_at)
     values ('rush-admin@example.com', 'admin', 'x', 'admin', now()) returning id`,
  );
  return { users: users.rows.map((r) => token(r.id, 'user')), admin: token(admin.rows[0]!.id, 'admin') };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The three scenarios against `origin` (one API, or the balancer), on a fresh database. */
async function scenarios(
  driver: Driver,
  origin: string,
  db: pg.Pool,
  options: RushOptions,
  pids: () => readonly number[],
): Promise<RushScenarios> {
  const { users, admin } = await accounts(db, options.quick ? 300 : 2_000);
  const auth = (i: number) => ({
    authorization: `Bearer ${users[i % users.length]}`,
    'content-type': 'application/json',
  });
  const week = Array.from({ length: 7 }, (_, d) => seoulDate(10 + d));
  const booking = (i: number, name: string): BenchRequest => {
    const day = week[i % 7]!;
    const hour = (i * 5) % 23;
    return {
      method: 'POST',
      path: '/reservations',
      headers: auth(i),
      body: JSON.stringify({
        reservation_name: `${name} ${i}`,
        start: `${day} ${pad(hour)}:00`,
        end: `${day} ${pad(hour)}:30`,
        number_of_people: 1 + (i % 4),
      }),
    };
  };
  const schedule = (i: number): BenchRequest => ({
    method: 'GET',
    path: `/reservations/schedules?start=${week[0]}&end=${week[6]}`,
    headers: auth(i),
  });
  const ownList = (i: number): BenchRequest => ({
    method: 'GET',
    path: `/reservations?start=${week[0]}&end=${week[6]}&limit=10`,
    headers: auth(i),
  });

  // Some confirmed load across the week, so that schedules have room that varies.
  const seeded = await driver.run(
    origin,
    32,
    Array.from({ length: 300 }, (_, i) => booking(i * 7 + 3, 'seed')),
    [201],
  );
  if (seeded.errors > 0) throw new Error(`seeding failed: ${JSON.stringify(seeded.statuses)}`);
  const seedIds = (
    await db.query<{ id: number }>(`select id from reservations where reservation_name like 'seed %'`)
  ).rows;
  const confirmed = await driver.run(
    origin,
    32,
    seedIds.map(({ id }) => ({
      method: 'POST' as const,
      path: `/reservations/${id}/confirm`,
      headers: { authorization: `Bearer ${admin}` },
    })),
    [200],
  );
  if (confirmed.errors > 0)
    throw new Error(`confirming the seed failed: ${JSON.stringify(confirmed.statuses)}`);
  // Warm-up, not measured: a server is warm when registration opens.
  await driver.run(
    origin,
    64,
    Array.from({ length: 500 }, (_, i) => booking(i, 'warm-up')),
    [201],
  );
  await driver.run(
    origin,
    64,
    Array.from({ length: 100 }, (_, i) => schedule(i)),
    [200],
    1_000,
  );

  const creates = options.quick ? 2_000 : 8_000;
  const create = await driver.run(
    origin,
    64,
    Array.from({ length: creates }, (_, i) => booking(i, 'rush')),
    [201],
  );
  const scheduleRequests = Array.from({ length: 64 }, (_, i) => schedule(i));
  const schedules = await driver.run(origin, 64, scheduleRequests, [200], options.quick ? 5_000 : 20_000);
  const scheduleAnswer = await recordAnswer(origin, schedule(0));
  const visits = options.quick ? 700 : 3_000;
  const mixed = await driver.run(
    origin,
    64,
    Array.from({ length: visits }, (_, i) => [schedule(i), booking(i, 'visit'), ownList(i)]).flat(),
    [200, 201],
    visits * 3,
    3,
  );
  return {
    create,
    schedules,
    mixed,
    peakRssMb: await Promise.all(pids().map(peakRssMb)),
    scheduleReplay: { answer: scheduleAnswer, requests: scheduleRequests },
  };
}

/** Whether any slot holds more confirmed people than the capacity, from the reservations table. */
async function invariantHolds(db: pg.Pool): Promise<boolean> {
  const overfull = await db.query<{ slots: string }>(
    `select count(*) as slots from (
       select s.slot from reservations r
       cross join lateral generate_series(r.start_time, r.end_time - interval '10 minutes', interval '10 minutes') as s(slot)
       where r.status = 'confirmed' group by s.slot having sum(r.number_of_people) > 50000) t`,
  );
  return Number(overfull.rows[0]?.slots ?? 1) === 0;
}

/** Two bare servers behind HAProxy: the ceiling of the balanced topology's HTTP path. */
async function bareBalanced(driver: Driver, total: number): Promise<JobResult> {
  const servers = await Promise.all(
    [0, 1].map(async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', `${root}/bench/http/bare-server.ts`], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const port = await new Promise<number>((resolvePort) => {
        child.stdout.once('data', (chunk: Buffer) => resolvePort(Number(chunk.toString().trim())));
      });
      return { child, origin: `http://127.0.0.1:${port}` };
    }),
  );
  // The bare server answers every path, the balancer's health check included.
  const balancer = await startHaproxy(servers.map((s) => s.origin));
  try {
    await driver.warmUp(balancer.url);
    return await driver.run(balancer.url, 64, [{ method: 'GET', path: '/reservations/1' }], [200], total);
  } finally {
    await balancer.stop();
    for (const s of servers) s.child.kill('SIGTERM');
  }
}

/** One run of the rush: one API, then two behind the balancer, then the ceilings. */
export async function rushRun(adminUrl: string, driver: Driver, options: RushOptions): Promise<RushReport> {
  // One API process.
  const database = await createTestDatabase(adminUrl);
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  db.on('error', () => undefined);
  let single: RushScenarios;
  let invariantHeld: boolean;
  try {
    const api = await startApi(database.url);
    try {
      await driver.warmUp(api.origin);
      single = await scenarios(driver, api.origin, db, options, () => [api.pid]);
    } finally {
      await api.stop();
    }
    invariantHeld = await invariantHolds(db);
  } finally {
    await db.end();
    await database.drop();
  }

  // Two API processes behind HAProxy, through PgBouncer.
  const scaledDatabase = await createTestDatabase(adminUrl);
  const scaledDb = new pg.Pool({ connectionString: scaledDatabase.url, max: 2 });
  scaledDb.on('error', () => undefined);
  let scaled: RushScenarios;
  try {
    const bouncer = await startPgBouncer(scaledDatabase.url);
    try {
      const first = await startApi(bouncer.url);
      const apis = [first, await startApi(bouncer.url)];
      try {
        const balancer = await startHaproxy(apis.map((a) => a.origin));
        try {
          await driver.warmUp(balancer.url);
          scaled = await scenarios(driver, balancer.url, scaledDb, options, () => apis.map((a) => a.pid));
        } finally {
          await balancer.stop();
        }
      } finally {
        await Promise.all(apis.map((a) => a.stop()));
      }
    } finally {
      await bouncer.stop();
    }
    invariantHeld = invariantHeld && (await invariantHolds(scaledDb));
  } finally {
    await scaledDb.end();
    await scaledDatabase.drop();
  }

  // The ceilings, measured in this same run.
  const ceilingDatabase = await createTestDatabase(adminUrl);
  const ceilingDb = new pg.Pool({ connectionString: ceilingDatabase.url, max: 2 });
  ceilingDb.on('error', () => undefined);
  let created: RushReport['pgbenchCreate'];
  let lean: RushReport['pgbenchCreateLean'];
  try {
    const { migrateToLatest } = await import('@exam-reservation/adapters-postgres');
    const { Kysely, PostgresDialect } = await import('kysely');
    const kysely = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ceilingDatabase.url, max: 1 }) }),
    });
    await migrateToLatest(kysely);
    await kysely.destroy();
    created = await pgbenchCreate(ceilingDb, ceilingDatabase.url, seoulDate(10), options.quick ? 5 : 15);
    lean = await pgbenchCreateLean(ceilingDb, ceilingDatabase.url, seoulDate(11), options.quick ? 5 : 15);
  } finally {
    await ceilingDb.end();
    await ceilingDatabase.drop();
  }
  const bareTotal = options.quick ? 10_000 : 30_000;
  const bare = await bareServer(driver, bareTotal, 64);
  const bareReplay = await bareServer(driver, bareTotal, 64, single!.scheduleReplay);
  const balanced = await bareBalanced(driver, bareTotal);
  return {
    single: single!,
    scaled: scaled!,
    pgbenchCreate: created,
    pgbenchCreateLean: lean!,
    bare,
    bareReplay,
    bareBalanced: balanced,
    invariantHeld,
  };
}
