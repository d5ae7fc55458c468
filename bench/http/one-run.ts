import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { createTestDatabase } from '@exam-reservation/adapters-postgres/testing';
import pg from 'pg';
import { type AdmissionReport, admissionScenario } from './admission.js';
import type { JobResult } from './driver.js';
import { getOneScenario } from './get-one.js';
import { confirmHotWindow, createHotWindow } from './hot-window.js';
import { writePgbenchConfirm } from './pgbench-confirm.js';
import type { RunContext } from './run-context.js';
import { schedulesScenario } from './schedules.js';
import {
  ADMIN,
  CAPACITY,
  GET_REQUESTS,
  HOT_PEOPLE,
  HOT_RESERVATIONS,
  onlyAdmission,
  onlyConfirm,
  onlyWaitingList,
  WEBHOOK_RESERVATIONS,
  ZONE,
} from './settings.js';
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
import { confirmWithWaitingList, type WaitingListReport } from './waiting-list.js';
import { type WebhookConfirmReport, webhookConfirmScenario } from './webhook-confirm.js';

const METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** What one run of `pnpm bench` measured (the registration rush is run apart). */
export interface RunReport {
  scenarios: Record<string, JobResult>;
  admission?: AdmissionReport;
  webhookConfirm?: WebhookConfirmReport;
  waitingList?: WaitingListReport;
  pgbench: { tps: number; latencyMs: number; transactions: number; failed: number };
  bare: JobResult;
  peakRssMb: number;
  invariantHeld: boolean;
  overfullSlots: number;
  confirmedInHotWindow: number;
}

/**
 * One run: the API started by its start command on a fresh database, the
 * scenarios one after another (or only those `--only-confirm` and
 * `--only-admission` ask for), the capacity invariant checked from the
 * reservations table, and the two ceilings measured on the same machine.
 */
export async function oneRun(adminUrl: string, index: number): Promise<RunReport> {
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
      // Throughput and throttling are measured here, not shedding (that is the flood scenario).
      HASH_QUEUE_MAX_WAIT_MS: '60000',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      APP_TIMEZONE: ZONE,
      SLOT_CAPACITY: String(CAPACITY),
      LEAD_TIME_DAYS: '3',
      LOG_LEVEL: 'info', // the default: one JSON line per request, as in production
      NODE_ENV: 'production',
      // Metrics on, as an operated deployment runs; (1w)'s webhook receiver is on loopback.
      METRICS_TOKEN,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      // (1q) runs with the waiting list on (its delay the default), or off with BENCH_AUTO_ADMIT=off
      // for a control; every other scenario without.
      AUTO_ADMIT: onlyWaitingList ? (process.env.BENCH_AUTO_ADMIT ?? 'fifo') : 'off',
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
    const run: RunContext = { origin, db, driver, adminAuth, auth, endPhase };

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
    const { create, hotIds } = await createHotWindow(run);
    endPhase('(2) create');
    if (onlyWaitingList) {
      const waitingList = await confirmWithWaitingList(run, hotIds, METRICS_TOKEN);
      clearInterval(sampler);
      const overfull = await overfullSlots(db);
      return {
        waitingList,
        scenarios: { create, confirm: waitingList.confirm },
        // The ceiling, measured in the same run as (1) does.
        pgbench: await writePgbenchConfirm(db, database.url, HOT_RESERVATIONS, HOT_PEOPLE, seoulDate(11)),
        bare: waitingList.confirm,
        peakRssMb: await peakRssMb(api.pid!),
        invariantHeld: overfull === 0,
        overfullSlots: overfull,
        confirmedInHotWindow: 0,
      };
    }
    const confirm = await confirmHotWindow(run, hotIds);
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
    const { schedules, schedulesAlone } = await schedulesScenario(run);
    const getOne = await getOneScenario(run, users, index);
    endPhase('(4) get one');
    clearInterval(sampler);
    // (5) admission, last: it confirms a whole day, which no scenario above should see.
    const admission = await admissionScenario(origin, db, admin.access_token, api.pid!);
    const peakRss = await peakRssMb(api.pid!);
    process.stdout.write(
      `API RSS, highest sample per phase (MB): ${rss.map(([k, v]) => `${k}: ${v.toFixed(0)}`).join(', ')}; VmHWM ${peakRss.toFixed(0)}\n`,
    );

    // Invariant straight from the reservations table, not from the ledger.
    const overfull = await overfullSlots(db);
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
      invariantHeld: overfull === 0 && admission.invariantHeld,
      overfullSlots: overfull,
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

/** Slots whose confirmed people (summed from the reservations table, not the ledger) pass the capacity. */
async function overfullSlots(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ slots: string }>(
    `select count(*) as slots from (
       select s.slot, sum(r.number_of_people) as load
       from reservations r
       cross join lateral generate_series(r.start_time, r.end_time - interval '10 minutes', interval '10 minutes') as s(slot)
       where r.status = 'confirmed'
       group by s.slot
       having sum(r.number_of_people) > $1) t`,
    [CAPACITY],
  );
  return Number(rows[0]?.slots ?? -1);
}
