/**
 * (8) The registration flood: 2,000 registrations sent at once (each from its
 * own address, on a connection of its own, from a process of its own) while
 * existing users log in and signed-in users read the week's schedule. The
 * same probes run first without the flood, on the same API process, so the
 * ratios flood / no flood are measured in one run on the same machine.
 *
 * The probes are sent from this process at a steady pace, each log-in on a
 * new connection (a client that just opened the page), each schedule on one
 * kept-alive connection (a client already browsing). Each carries its own
 * X-Request-Id, so its end-to-end time is split, with the API's request log,
 * into the wait before the API began it (the kernel's accept queue and the
 * reading of the requests ahead of it) and the API's own time.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { createTestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { freePort } from '../../apps/api/test/api-process.js';
import { type FloodResult, startFlood } from '../../apps/api/test/flood-process.js';
import { percentile } from './stats.js';
import { json, peakRssMb, root, seoulDate, startCommand, waitFor } from './support.js';

const JWT_SECRET = 'bench-secret-bench-secret-bench-secret';
const HASH_QUEUE_MAX_WAIT_MS = 2000;
/** Existing users who log in during the phases (each from an address of its own). */
const PROBE_USERS = 8;
const LOGIN_EVERY_MS = 250;
const SCHEDULE_EVERY_MS = 100;

export interface FloodOptions {
  readonly quick: boolean;
}

/** One probe request: when it was sent (ms since the phase began), its status and times. */
export interface Probe {
  readonly at: number;
  readonly status: number | string;
  /** End to end, as the client saw it. */
  readonly ms: number;
  /** From sending until the API began the request (its log line's time less its own time), ms. */
  readonly beforeMs?: number | undefined;
  /** The API's own time (its request log), ms. */
  readonly servedMs?: number | undefined;
  readonly retryAfter?: string | undefined;
}

export interface FloodPhase {
  readonly logins: Probe[];
  readonly schedules: Probe[];
  readonly seconds: number;
}

export interface FloodReport {
  readonly registrations: number;
  readonly quiet: FloodPhase;
  readonly flood: FloodPhase;
  /** The flood's answers by status (or transport error). */
  readonly floodStatuses: Record<string, number>;
  /** From sending the flood until its last answer, ms. */
  readonly floodMs: number;
  readonly peakRssMb: number;
}

interface LogLine {
  readonly reqId?: string;
  readonly responseTime?: number;
  readonly time?: number;
}

/** Sends one request and resolves with its outcome; never rejects. */
function send(
  origin: string,
  options: { method: string; path: string; headers: Record<string, string>; body?: string; agent?: Agent },
): Promise<{ status: number | string; ms: number; retryAfter?: string | undefined }> {
  const url = new URL(origin);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: {
          ...options.headers,
          ...(options.body === undefined
            ? {}
            : { 'content-length': String(Buffer.byteLength(options.body)) }),
          ...(options.agent ? {} : { connection: 'close' }),
        },
        agent: options.agent ?? false,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            retryAfter: res.headers['retry-after'],
          }),
        );
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: error.code ?? error.message, ms: performance.now() - started }),
    );
    req.end(options.body);
  });
}

/**
 * Log-ins every 250 ms and schedules every 100 ms until `until` settles
 * (or for `forMs`), each matched afterwards with the API's log line.
 */
async function probes(
  origin: string,
  users: readonly { email: string; password: string; address: string }[],
  token: string,
  week: readonly string[],
  tag: string,
  until: Promise<unknown>,
  logs: Map<string, LogLine>,
): Promise<FloodPhase> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const phaseStart = performance.now();
  const wallStart = Date.now();
  let done = false;
  void until.then(() => {
    done = true;
  });
  const sent: Promise<Probe & { id: string; wallSent: number }>[] = [];
  const schedulesSent: Promise<Probe & { id: string; wallSent: number }>[] = [];
  const probe = (id: string, into: typeof sent, options: Parameters<typeof send>[1]): Promise<void> => {
    const at = performance.now() - phaseStart;
    const wallSent = wallStart + at;
    const p = send(origin, { ...options, headers: { ...options.headers, 'x-request-id': id } }).then((o) => ({
      ...o,
      at: Math.round(at),
      id,
      wallSent,
    }));
    into.push(p);
    return p.then(() => undefined);
  };
  const loop = async (everyMs: number, fire: (n: number) => void): Promise<void> => {
    for (let n = 0; !done; n++) {
      fire(n);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };
  await Promise.all([
    loop(LOGIN_EVERY_MS, (n) => {
      const user = users[n % users.length]!;
      void probe(`${tag}-login-${n}`, sent, {
        method: 'POST',
        path: '/users/login',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': user.address },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
    }),
    loop(SCHEDULE_EVERY_MS, (n) => {
      void probe(`${tag}-schedule-${n}`, schedulesSent, {
        method: 'GET',
        path: `/reservations/schedules?start=${week[0]}&end=${week[6]}`,
        headers: { authorization: `Bearer ${token}` },
        agent,
      });
    }),
  ]);
  const seconds = (performance.now() - phaseStart) / 1000;
  const settle = async (list: typeof sent): Promise<Probe[]> => {
    const all = await Promise.all(list);
    // The API writes its log lines asynchronously: give the last ones a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return all.map(({ id, wallSent, ...p }) => {
      const line = logs.get(id);
      const servedMs = line?.responseTime;
      const beforeMs =
        line?.time !== undefined && servedMs !== undefined
          ? Math.max(0, line.time - servedMs - wallSent)
          : undefined;
      return { ...p, ms: Math.round(p.ms), servedMs, beforeMs: beforeMs && Math.round(beforeMs) };
    });
  };
  const result = { logins: await settle(sent), schedules: await settle(schedulesSent), seconds };
  agent.destroy();
  return result;
}

/** One run of the flood scenario on a fresh database and a fresh API process. */
export async function floodRun(adminUrl: string, options: FloodOptions): Promise<FloodReport> {
  const registrations = 2_000;
  const database = await createTestDatabase(adminUrl);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, await startCommand(), {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: database.url,
      JWT_SECRET,
      APP_TIMEZONE: 'Asia/Seoul',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      TRUST_PROXY: 'loopback',
      HASH_QUEUE_MAX_WAIT_MS: String(HASH_QUEUE_MAX_WAIT_MS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Only the probes' lines are parsed: the flood's 2,000 are skipped unread.
  const logs = new Map<string, LogLine>();
  createInterface({ input: api.stdout! }).on('line', (line) => {
    if (!line.includes('"reqId":"probe-') && !line.includes('"reqId":"quiet-')) return;
    const entry = JSON.parse(line) as LogLine;
    if (entry.reqId) logs.set(entry.reqId, entry);
  });
  const exited = new Promise((resolve) => api.once('exit', resolve));
  try {
    await waitFor(`${origin}/readyz`, 30_000);
    const users = Array.from({ length: PROBE_USERS }, (_, i) => ({
      email: `existing-${i}@example.com`,
      password: `existing password ${i}`,
      user_name: `existing ${i}`,
      address: `192.0.2.${i + 1}`,
    }));
    for (const { address: _address, ...user } of users) await json(origin, 'POST', '/users/register', user);
    const { access_token: token } = await json<{ access_token: string }>(origin, 'POST', '/users/login', {
      email: users[0]!.email,
      password: users[0]!.password,
    });
    const week = Array.from({ length: 7 }, (_, d) => seoulDate(10 + d));
    // Warm-up, not measured.
    const warm = new Promise((resolve) => setTimeout(resolve, 2_000));
    await probes(origin, users, token, week, 'warm', warm, logs);

    const quietMs = options.quick ? 4_000 : 8_000;
    const quiet = await probes(
      origin,
      users,
      token,
      week,
      'quiet',
      new Promise((resolve) => setTimeout(resolve, quietMs)),
      logs,
    );

    const flood = await startFlood({
      origin,
      count: registrations,
      prefix: 'flood',
      block: 1,
      timeoutMs: 120_000,
    });
    let floodResult: FloodResult | undefined;
    const floodDone = flood.go().then(async () => {
      floodResult = await flood.result;
    });
    const during = await probes(origin, users, token, week, 'probe', floodDone, logs);
    await floodDone;
    const floodStatuses: Record<string, number> = {};
    for (const a of floodResult!.answers) floodStatuses[a.status] = (floodStatuses[a.status] ?? 0) + 1;
    return {
      registrations,
      quiet,
      flood: during,
      floodStatuses,
      floodMs: floodResult!.totalMs,
      peakRssMb: await peakRssMb(api.pid!),
    };
  } finally {
    api.kill('SIGTERM');
    await exited;
    await database.drop();
  }
}

const fixed = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const sortedMs = (probes: readonly Probe[], pick: (p: Probe) => number | undefined = (p) => p.ms) =>
  probes
    .map(pick)
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => a - b);
const count = (probes: readonly Probe[], status: number) => probes.filter((p) => p.status === status).length;

/** The summary lines of the flood runs: each run's p50/p99 beside the same without the flood. */
export function floodLines(reports: readonly FloodReport[]): string[] {
  const lines = [
    `(8) The registration flood: 2,000 registrations at once (new connections, one process) while existing users log in ` +
      `every ${LOGIN_EVERY_MS} ms (new connections) and a signed-in user reads the week's schedule every ` +
      `${SCHEDULE_EVERY_MS} ms (kept alive); the same probes first without the flood; HASH_QUEUE_MAX_WAIT_MS=${HASH_QUEUE_MAX_WAIT_MS}. ` +
      'ms end to end; "before" is the wait until the API began the request, "served" its own time (request log).',
    '',
    '| run | probe | phase | n | 200 | 503 | p50 ms | p99 ms | max ms | p99/p50 | before p99 | served p99 | p50 ratio | p99 ratio |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  reports.forEach((r, i) => {
    for (const kind of ['logins', 'schedules'] as const) {
      const q = sortedMs(r.quiet[kind]);
      const f = sortedMs(r.flood[kind]);
      for (const [phase, probes, s] of [
        ['no flood', r.quiet[kind], q],
        ['flood', r.flood[kind], f],
      ] as const) {
        const p50 = percentile(s, 50);
        const p99 = percentile(s, 99);
        const ratio = (pp: number) =>
          phase === 'flood' ? (percentile(s, pp) / percentile(q, pp)).toFixed(1) : '–';
        lines.push(
          `| ${i + 1} | ${kind === 'logins' ? 'log-in' : 'schedules'} | ${phase} | ${probes.length} | ${count(probes, 200)} | ${count(probes, 503)} | ${fixed(p50)} | ${fixed(p99)} | ${fixed(s[s.length - 1] ?? Number.NaN)} | ${(p99 / p50).toFixed(1)} | ${fixed(
            percentile(
              sortedMs(probes, (p) => p.beforeMs),
              99,
            ),
          )} | ${fixed(
            percentile(
              sortedMs(probes, (p) => p.servedMs),
              99,
            ),
          )} | ${ratio(50)} | ${ratio(99)} |`,
        );
      }
    }
  });
  lines.push('');
  reports.forEach((r, i) => {
    const shed = r.floodStatuses['503'] ?? 0;
    lines.push(
      `Run ${i + 1}: the flood's 2,000 answered in ${(r.floodMs / 1000).toFixed(1)} s: ${r.floodStatuses['201'] ?? 0} created, ${shed} shed (503 overloaded)` +
        `${Object.entries(r.floodStatuses)
          .filter(([s]) => s !== '201' && s !== '503')
          .map(([s, n]) => `, ${n} ${s}`)
          .join(
            '',
          )}; log-ins during it: ${count(r.flood.logins, 200)} signed in, ${count(r.flood.logins, 503)} shed; API peak RSS ${r.peakRssMb.toFixed(0)} MB.`,
    );
  });
  return lines;
}

/** Every log-in of the flood phase (when sent, status, end to end, before, served): for a closer look. */
export function floodLoginTimeline(report: FloodReport): string {
  return report.flood.logins
    .map((p) => `${p.at}:${p.status}:${p.ms}:${p.beforeMs ?? '?'}:${p.servedMs ?? '?'}`)
    .join(' ');
}
