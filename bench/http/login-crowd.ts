/**
 * `pnpm bench:login`: N right passwords sent at once from one client address
 * (a crowd behind one NAT, or a load test on loopback), where more attempts
 * are in flight than the throttling limits allow failures, so most of them
 * wait for others to be decided. Beside it, in the same run and against the
 * same API process, the ceiling: the same N log-ins spread over 40 addresses,
 * so that no limit ever fills and nothing waits. Runs alternate (spread,
 * crowd, spread, crowd, …). Reported: wall time, the crowd ÷ spread ratio,
 * answers by status, p50 and p99 latency, and calls of the throttling
 * function per log-in (from pg_stat_user_functions).
 *
 * BENCH_LOGIN_USERS (default 600) and BENCH_LOGIN_RUNS (default 3).
 */
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createTestDatabase, startTestServer } from '@exam-reservation/adapters-postgres/testing';
import pg from 'pg';
import { root, startCommand, waitFor } from './support.js';

const USERS = Number(process.env.BENCH_LOGIN_USERS ?? 600);
const RUNS = Number(process.env.BENCH_LOGIN_RUNS ?? 3);
/** Addresses of the spread mode: at most 25 log-ins each, well under the 50 per address. */
const SPREAD = Math.max(40, Math.ceil(USERS / 25));
const spreadAddress = (i: number): string => {
  const k = i % SPREAD;
  return `127.0.${1 + Math.floor(k / 250)}.${(k % 250) + 1}`;
};

interface Phase {
  readonly mode: 'spread' | 'crowd';
  readonly ms: number;
  readonly statuses: Record<string, number>;
  readonly p50: number;
  readonly p99: number;
  readonly callsPerLogin: number;
}

function post(origin: string, path: string, body: unknown, localAddress?: string): Promise<number> {
  const url = new URL(path, origin);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function throttleCalls(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ calls: string }>(
    `select coalesce(sum(calls), 0) as calls from pg_stat_user_functions
      where funcname in ('login_attempt_begin', 'login_attempt_begin_undecided')`,
  );
  return Number(rows[0]?.calls ?? 0);
}

async function phase(
  origin: string,
  db: pg.Pool,
  users: readonly { email: string; password: string }[],
  mode: Phase['mode'],
): Promise<Phase> {
  const before = await throttleCalls(db);
  const latencies: number[] = [];
  const started = performance.now();
  const statuses = await Promise.all(
    users.map(async (user, i) => {
      const address = mode === 'crowd' ? '127.0.0.1' : spreadAddress(i);
      const at = performance.now();
      // A socket error is an answer too (0), not the end of the phase.
      const status = await post(origin, '/users/login', user, address).catch(() => 0);
      latencies.push(performance.now() - at);
      return status;
    }),
  );
  const ms = performance.now() - started;
  // PostgreSQL writes a session's function counts at most once a second, and an idle
  // session's within 10 s: wait them out before reading.
  await sleep(11_000);
  const calls = (await throttleCalls(db)) - before;
  latencies.sort((a, b) => a - b);
  const count: Record<string, number> = {};
  for (const status of statuses) count[status] = (count[status] ?? 0) + 1;
  return {
    mode,
    ms: Math.round(ms),
    statuses: count,
    p50: Math.round(latencies[Math.floor(latencies.length * 0.5)]!),
    p99: Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!),
    callsPerLogin: Math.round((calls / users.length) * 10) / 10,
  };
}

async function main(): Promise<void> {
  process.stdout.write('building the start bundle…\n');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  const server = await startTestServer();
  const database = await createTestDatabase(server.adminUrl);
  const name = new URL(database.url).pathname.slice(1);
  const admin = new pg.Pool({ connectionString: server.adminUrl, max: 1 });
  await admin.query(`alter database "${name}" set track_functions = 'all'`);
  await admin.end();
  const port = 19_000 + Math.floor(Math.random() * 900);
  const origin = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, await startCommand(), {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: database.url,
      JWT_SECRET: 'bench-login-secret-bench-login-secret',
      // The benchmarks register their users from one address.
      REGISTRATIONS_PER_ADDRESS_PER_HOUR: '1000000',
      // Throughput and throttling are measured here, not shedding (that is the flood scenario).
      HASH_QUEUE_MAX_WAIT_MS: '60000',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const db = new pg.Pool({ connectionString: database.url, max: 1 });
  db.on('error', () => undefined);
  try {
    await waitFor(`${origin}/readyz`, 60_000);
    const users = Array.from({ length: USERS }, (_, i) => ({
      email: `crowd-${i}@example.com`,
      password: `crowd-password-${i}`,
      user_name: `Crowd ${i}`,
    }));
    process.stdout.write(`registering ${USERS} accounts…\n`);
    for (let i = 0; i < users.length; i += 16) {
      const statuses = await Promise.all(
        users.slice(i, i + 16).map((u) => post(origin, '/users/register', u)),
      );
      if (statuses.some((s) => s !== 201)) throw new Error(`registration answered ${statuses.join(' ')}`);
    }
    const logins = users.map(({ email, password }) => ({ email, password }));
    const phases: Phase[] = [];
    for (let run = 0; run < RUNS; run++) {
      for (const mode of ['spread', 'crowd'] as const) {
        const result = await phase(origin, db, logins, mode);
        phases.push(result);
        process.stdout.write(`${JSON.stringify(result)}\n`);
      }
    }
    process.stdout.write(
      `\n${USERS} right passwords sent at once: crowd (one address) vs spread (${SPREAD} addresses)\n\n` +
        '| run | spread ms | crowd ms | crowd ÷ spread | crowd answers | crowd p50 / p99 ms | throttle calls per log-in (spread, crowd) |\n' +
        '| --- | ---: | ---: | ---: | --- | --- | --- |\n',
    );
    for (let run = 0; run < RUNS; run++) {
      const spread = phases[run * 2]!;
      const crowd = phases[run * 2 + 1]!;
      process.stdout.write(
        `| ${run + 1} | ${spread.ms} | ${crowd.ms} | ${(crowd.ms / spread.ms).toFixed(2)} | ` +
          `${Object.entries(crowd.statuses)
            .map(([status, n]) => `${n}× ${status}`)
            .join(', ')} | ${crowd.p50} / ${crowd.p99} | ${spread.callsPerLogin}, ${crowd.callsPerLogin} |\n`,
      );
    }
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await db.end();
    await database.drop();
    await server.stop();
  }
}

await main();
