import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { simpleQuery } from '@exam-reservation/adapters-postgres/testing';
import { freePort } from './api-process.js';

/** A server process the test started, and how to end it. */
export interface Started {
  readonly url: string;
  readonly child: ChildProcess;
  /** What it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';
const PGBOUNCER = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer';

function run(command: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return { child, output: () => output };
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  child.kill('SIGKILL');
}

/** Waits until `probe` resolves, or fails with what the process printed. */
async function until(
  probe: () => Promise<unknown>,
  started: { child: ChildProcess; output: () => string },
  what: string,
) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (started.child.exitCode !== null) throw new Error(`${what} exited: ${started.output()}`);
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${what} did not come up: ${String(error)}\n${started.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * PgBouncer (Debian's package) in transaction pooling mode in front of the
 * database of `upstreamUrl`, on a free local port, as a deployment puts it
 * between the API processes and PostgreSQL. `stats()` reads its own counters
 * (SHOW STATS), proof that traffic went through it.
 */
export async function startPgBouncer(
  upstreamUrl: string,
): Promise<
  Started & { stats(): Promise<{ transactions: number; queries: number }>; pools(): Promise<string[]> }
> {
  const upstream = new URL(upstreamUrl);
  const database = upstream.pathname.slice(1);
  const user = decodeURIComponent(upstream.username || 'postgres');
  const password = decodeURIComponent(upstream.password);
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'exam-pgbouncer-'));
  await chmod(dir, 0o755);
  const q = (text: string) => `"${text.replaceAll('"', '""')}"`;
  await writeFile(join(dir, 'users.txt'), `${q(user)} ${q(password)}\n`, { mode: 0o644 });
  const ini = [
    '[databases]',
    `${database} = host=${upstream.hostname} port=${upstream.port || 5432} dbname=${database} user=${user}${password ? ` password=${password}` : ''}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    `unix_socket_dir =`,
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    `admin_users = ${user}`,
    'pool_mode = transaction',
    'max_client_conn = 500',
    'default_pool_size = 20',
    'ignore_startup_parameters = extra_float_digits',
    'server_reset_query =',
    '',
  ].join('\n');
  await writeFile(join(dir, 'pgbouncer.ini'), ini, { mode: 0o644 });
  // PgBouncer refuses to run as root: it switches to the postgres user, which Debian's server package makes.
  const asRoot = userInfo().uid === 0 ? ['-u', 'postgres'] : [];
  const started = run(PGBOUNCER, [...asRoot, join(dir, 'pgbouncer.ini')]);
  const url = `postgres://${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}@127.0.0.1:${port}/${database}`;
  // The admin console (database `pgbouncer`) speaks only the simple protocol.
  const admin = <R>(query: string): Promise<R[]> =>
    simpleQuery<R>(url.replace(/\/[^/]*$/, '/pgbouncer'), query);
  await until(() => admin('show version'), started, 'PgBouncer');
  return {
    url,
    child: started.child,
    output: started.output,
    async stats() {
      const rows = await admin<{ database: string; total_xact_count: string; total_query_count: string }>(
        'show stats',
      );
      const row = rows.find((r) => r.database === database);
      return {
        transactions: Number(row?.total_xact_count ?? 0),
        queries: Number(row?.total_query_count ?? 0),
      };
    },
    async pools() {
      const rows = await admin<{ database: string; pool_mode: string }>('show pools');
      return rows.filter((r) => r.database === database).map((r) => r.pool_mode);
    },
    async stop() {
      await stopped(started.child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * HAProxy (Debian's package) balancing HTTP round-robin over `backends`
 * (origins such as http://127.0.0.1:1234), with health checks on /readyz and
 * X-Forwarded-For, on a free local port: the load balancer in front of the
 * API processes.
 */
export async function startHaproxy(backends: readonly string[]): Promise<Started> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'exam-haproxy-'));
  const servers = backends.map((origin, i) => {
    const { hostname, port: backendPort } = new URL(origin);
    return `  server api${i + 1} ${hostname}:${backendPort} check inter 500ms fall 2 rise 1`;
  });
  const cfg = [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  option forwardfor',
    // As deploy/haproxy.cfg: connections to the API processes kept alive and reused.
    '  http-reuse safe',
    '  timeout http-keep-alive 30s',
    'frontend api',
    `  bind 127.0.0.1:${port}`,
    '  default_backend apis',
    'backend apis',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    ...servers,
    '',
  ].join('\n');
  await writeFile(join(dir, 'haproxy.cfg'), cfg);
  const started = run(HAPROXY, ['-f', join(dir, 'haproxy.cfg'), '-db']);
  const url = `http://127.0.0.1:${port}`;
  await until(
    async () => {
      const res = await fetch(`${url}/readyz`);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    },
    started,
    'HAProxy',
  );
  return {
    url,
    child: started.child,
    output: started.output,
    async stop() {
      await stopped(started.child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
