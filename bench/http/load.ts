/**
 * (12) The load view (`GET /reservations/load`) over 31 days holding
 * LOAD_PENDING pending reservations, beside the schedules of the same 31
 * days (`GET /reservations/schedules`) on the same API process, database and
 * driver, at the same concurrency: the schedules are the ceiling, a read of
 * the same range that needs no pending demand. Measured twice per run: with
 * the answers shared for SCHEDULE_MAX_STALENESS_MS as deployed (the default,
 * 1 s), and with SCHEDULE_MAX_STALENESS_MS=0, where every request reads and
 * computes its answer.
 */
import { createTestDatabase } from '@exam-reservation/adapters-postgres/testing';
import pg from 'pg';
import type { BenchRequest, JobResult } from './driver.js';
import { type OwnApi, startOwnApi } from './own-api.js';
import {
  CAPACITY,
  LOAD_CONFIRMED,
  LOAD_DAYS,
  LOAD_IN_FLIGHT,
  LOAD_PENDING,
  LOAD_REQUESTS,
} from './settings.js';
import { json, seoulDate, startDriver } from './support.js';

/** One phase: the same number of each, schedules first. */
export interface LoadPhase {
  readonly staleness: string;
  readonly schedules: JobResult;
  readonly load: JobResult;
  readonly stretches: number;
  readonly scheduleItems: number;
}

export interface LoadReport {
  readonly pending: number;
  readonly phases: LoadPhase[];
}

/**
 * LOAD_PENDING pending and LOAD_CONFIRMED confirmed reservations of 1–6
 * slots and 1–60 people at random slots of the 31 days, and the confirmed
 * ones' slot ledger computed from them, all with SQL.
 */
async function seed(db: pg.Pool, firstDay: string): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('select setseed(0.21)');
    await client.query(
      `insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
       select u.id, 'load ' || g, $1::timestamptz + s * interval '10 minutes',
              $1::timestamptz + (s + len) * interval '10 minutes', people,
              case when g <= $3::int then 'confirmed' else 'pending' end, now(), now()
       from (select g, floor(random() * ($4::int * 144 - 6))::int as s, 1 + floor(random() * 6)::int as len,
                    1 + floor(random() * 60)::int as people
             from generate_series(1, $2::int + $3::int) g) t
       cross join (select min(id) as id from users) u`,
      [`${firstDay}T00:00:00+09:00`, LOAD_PENDING, LOAD_CONFIRMED, LOAD_DAYS],
    );
    await client.query(
      `insert into slot_loads (slot_start, confirmed_people, capacity)
       select slot, sum(r.number_of_people), $1 from reservations r
       cross join lateral generate_series(r.start_time, r.end_time - interval '10 minutes', interval '10 minutes') as s(slot)
       where r.status = 'confirmed' group by slot`,
      [CAPACITY],
    );
    await client.query('analyze');
  } finally {
    client.release();
  }
}

async function phase(api: OwnApi, staleness: string, range: string): Promise<LoadPhase> {
  const user = { email: `load-${staleness}@example.com`, password: 'bench-password' };
  await json(api.origin, 'POST', '/users/register', { ...user, user_name: 'load' });
  const { access_token } = await json<{ access_token: string }>(api.origin, 'POST', '/users/login', user);
  const schedule: BenchRequest = {
    method: 'GET',
    path: `/reservations/schedules?${range}`,
    headers: { authorization: `Bearer ${access_token}` },
  };
  const load: BenchRequest = {
    method: 'GET',
    path: `/reservations/load?${range}`,
    headers: { authorization: `Bearer ${api.adminToken}` },
  };
  const stretches = (await json<unknown[]>(api.origin, 'GET', load.path, undefined, api.adminToken)).length;
  const schedulePage = await json<unknown>(api.origin, 'GET', schedule.path, undefined, access_token);
  const scheduleItems = Array.isArray(schedulePage) ? schedulePage.length : Number.NaN;
  const driver = startDriver();
  try {
    await driver.warmUp(api.origin);
    // Not measured: each route's code compiled and its first answers read.
    await driver.run(api.origin, LOAD_IN_FLIGHT, [schedule], [200], 50);
    await driver.run(api.origin, LOAD_IN_FLIGHT, [load], [200], 50);
    const schedules = await driver.run(api.origin, LOAD_IN_FLIGHT, [schedule], [200], LOAD_REQUESTS);
    const loads = await driver.run(api.origin, LOAD_IN_FLIGHT, [load], [200], LOAD_REQUESTS);
    if (schedules.errors > 0 || loads.errors > 0) {
      throw new Error(`load phase errors: ${JSON.stringify([schedules.statuses, loads.statuses])}`);
    }
    return { staleness, schedules, load: loads, stretches, scheduleItems };
  } finally {
    await driver.close();
  }
}

/** One run: a fresh database seeded once, then an API per staleness setting. */
export async function loadRun(adminUrl: string): Promise<LoadReport> {
  const database = await createTestDatabase(adminUrl);
  const db = new pg.Pool({ connectionString: database.url, max: 1 });
  db.on('error', () => undefined);
  try {
    const first = seoulDate(20);
    const range = `start=${first}&end=${seoulDate(20 + LOAD_DAYS - 1)}`;
    const phases: LoadPhase[] = [];
    for (const staleness of ['1000', '0']) {
      const api = await startOwnApi(database.url, { SCHEDULE_MAX_STALENESS_MS: staleness });
      try {
        // Seeded once the first API has migrated the database and created the admin.
        if (phases.length === 0) await seed(db, first);
        phases.push(await phase(api, staleness, range));
      } finally {
        await api.stop();
      }
    }
    return { pending: LOAD_PENDING, phases };
  } finally {
    await db.end();
    await database.drop();
  }
}

/** The load view's table: each run's phases, the load view beside the schedules of the same run and phase. */
export function loadLines(reports: readonly LoadReport[]): string[] {
  if (reports.length === 0) return [];
  const ms = (n: number) => n.toFixed(1);
  return [
    `(12) GET /reservations/load over ${LOAD_DAYS} days with ${reports[0]!.pending.toLocaleString('en')} pending ` +
      `(and ${LOAD_CONFIRMED.toLocaleString('en')} confirmed) reservations, beside GET /reservations/schedules of the ` +
      `same days, ${LOAD_REQUESTS} requests each, ${LOAD_IN_FLIGHT} in flight, same API process and driver.`,
    '',
    '| run | SCHEDULE_MAX_STALENESS_MS | schedules req/s | schedules p50 / p99 ms | load req/s | load p50 / p99 ms | load p99/p50 | **load p99 ÷ schedules p99** | stretches / schedule items |',
    '| ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | --- |',
    ...reports.flatMap((r, i) =>
      r.phases.map(
        (p) =>
          `| ${i + 1} | ${p.staleness} | ${p.schedules.throughput.toFixed(0)} | ${ms(p.schedules.p50)} / ${ms(p.schedules.p99)} | ` +
          `${p.load.throughput.toFixed(0)} | ${ms(p.load.p50)} / ${ms(p.load.p99)} | ${(p.load.p99 / p.load.p50).toFixed(2)} | ` +
          `${(p.load.p99 / p.schedules.p99).toFixed(2)} | ${p.stretches} / ${p.scheduleItems} |`,
      ),
    ),
  ];
}
