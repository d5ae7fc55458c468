import { type KyselyStore, openPostgresStore } from '@exam-reservation/adapters-postgres';
import {
  auditCapacity,
  createTestDatabase,
  type RestartableServer,
  startRestartableServer,
  type TestDatabase,
} from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, buildOnce, killHard, runCli, startApi } from './api-process.js';
import { type RawOutcome, sendRaw } from './raw-http.js';

/*
 * Issue 9's fault suite: two real API processes (node apps/api/dist/main.js)
 * on a PostgreSQL server of this test's own (the shared one at :5432 is left
 * alone), under mixed load, while one process is SIGKILLed and started again
 * and the database server is stopped and started again on the same port and
 * data. Every answer is recorded; what was acknowledged must be in the
 * database afterwards.
 */

const JWT_SECRET = 'fault-secret-fault-secret-fault-secret!';
const CAPACITY = 100;
const REQUEST_TIMEOUT_MS = 30_000;
const ADMIN = { email: 'ops@example.com', password: 'ops-password' };

/** A date `days` from now in Seoul, as YYYY-MM-DD. */
function seoulDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Phase = 'before faults' | 'api killed' | 'database down' | 'database back' | 'recovered';

/** One request of the load and what came back. */
interface Exchange {
  readonly phase: Phase;
  readonly what: string;
  readonly process: 'A' | 'B';
  readonly outcome: RawOutcome;
}

/** The life of one reservation, as the acknowledged answers tell it. */
interface Life {
  id: number;
  readonly sent: { reservation_name: string; start: string; end: string; number_of_people: number };
  readonly created: { start_time: string; end_time: string; user_id: number };
  /** The status after the last acknowledged change. */
  acknowledged: 'pending' | 'confirmed' | 'cancelled';
  /** A change sent after it whose answer never came (or was a 5xx): it may or may not have happened. */
  uncertain: 'confirmed' | 'cancelled' | undefined;
}

const STACK_OR_SQL =
  /\n\s+at |node_modules|\.[jt]s:\d+|\b(select|insert|update|delete)\b.+\b(from|into|set|where)\b/i;

describe('two API processes through a SIGKILL and a PostgreSQL restart, under load', () => {
  let pg: RestartableServer;
  let database: TestDatabase;
  const apis: ApiProcess[] = [];

  beforeAll(async () => {
    await buildOnce();
    pg = await startRestartableServer();
    database = await createTestDatabase(pg.adminUrl);
  }, 180_000);

  afterAll(async () => {
    for (const api of apis) await killHard(api);
    await database?.drop().catch(() => undefined);
    await pg?.dispose();
  });

  it('keeps every acknowledged write, keeps the ledger and capacity, and both processes get ready again by themselves', async () => {
    const env = {
      DATABASE_URL: database.url,
      JWT_SECRET,
      SLOT_CAPACITY: String(CAPACITY),
      DATABASE_POOL_SIZE: '4',
    };
    expect(
      (await runCli(['create-admin', '--email', ADMIN.email, '--password', ADMIN.password], env)).code,
    ).toBe(0);
    const start = async () => {
      const api = await startApi(env);
      apis.push(api);
      return api;
    };
    const processes: Record<'A' | 'B', ApiProcess> = { A: await start(), B: await start() };
    const survivorPid = processes.B.child.pid;

    const call = async (name: 'A' | 'B', method: string, path: string, token?: string, body?: unknown) =>
      sendRaw(
        processes[name].url,
        {
          method,
          path,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
        },
        REQUEST_TIMEOUT_MS,
      );
    const json = (outcome: RawOutcome) =>
      outcome.kind === 'response'
        ? (JSON.parse(outcome.body.toString('utf8') || 'null') as Record<string, unknown>)
        : null;

    for (const [i, name] of (['A', 'B'] as const).entries()) {
      const registered = await call(name, 'POST', '/users/register', undefined, {
        email: `candidate${i}@example.com`,
        password: 'password-1',
        user_name: `Candidate ${i}`,
      });
      expect(registered.kind === 'response' && registered.status).toBe(201);
    }
    const login = async (name: 'A' | 'B', email: string, password: string) => {
      const res = await call(name, 'POST', '/users/login', undefined, { email, password });
      expect(res.kind === 'response' && res.status).toBe(200);
      return json(res)!.access_token as string;
    };
    const users = [
      await login('A', 'candidate0@example.com', 'password-1'),
      await login('B', 'candidate1@example.com', 'password-1'),
    ];
    const admin = await login('B', ADMIN.email, ADMIN.password);

    // The load: workers each drive reservations through create → confirm (admin) → cancel, one
    // step at a time, alternating the processes; a step with no acknowledged answer ends the life.
    let phase: Phase = 'before faults';
    let loading = true;
    const exchanges: Exchange[] = [];
    const lives: Life[] = [];
    let unacknowledgedCreates = 0;
    const days = [seoulDate(10), seoulDate(11), seoulDate(12)];
    let seq = 0;
    const send = async (
      what: string,
      name: 'A' | 'B',
      method: string,
      path: string,
      token: string,
      body?: unknown,
    ) => {
      const outcome = await call(name, method, path, token, body);
      exchanges.push({ phase, what, process: name, outcome });
      return outcome;
    };
    const acknowledged = (outcome: RawOutcome, status: number) =>
      outcome.kind === 'response' && outcome.status === status;
    const refused = (outcome: RawOutcome) =>
      outcome.kind === 'response' && outcome.status >= 400 && outcome.status < 500;

    const worker = async (w: number) => {
      while (loading) {
        const n = seq++;
        const first: 'A' | 'B' = n % 2 === 0 ? 'A' : 'B';
        const other: 'A' | 'B' = first === 'A' ? 'B' : 'A';
        const day = days[n % days.length]!;
        const hour = 9 + (n % 4);
        const sent = {
          reservation_name: `load ${w}-${n}`,
          start: `${day} ${String(hour).padStart(2, '0')}:00`,
          end: `${day} ${String(hour).padStart(2, '0')}:${n % 3 === 0 ? '50' : '30'}`,
          number_of_people: 5 + (n % 30),
        };
        const user = users[n % 2]!;
        const created = await send('create', first, 'POST', '/reservations', user, sent);
        if (!acknowledged(created, 201)) {
          if (!refused(created)) {
            unacknowledgedCreates++;
            await sleep(100); // a process or the database is down: do not spin
          }
          continue;
        }
        const body = json(created)!;
        const life: Life = {
          id: body.id as number,
          sent,
          created: body as unknown as Life['created'],
          acknowledged: 'pending',
          uncertain: undefined,
        };
        lives.push(life);
        if (n % 5 !== 4) {
          const confirmed = await send('confirm', other, 'POST', `/reservations/${life.id}/confirm`, admin);
          if (acknowledged(confirmed, 200)) life.acknowledged = 'confirmed';
          else if (!refused(confirmed)) {
            life.uncertain = 'confirmed';
            continue;
          }
        }
        if (n % 3 === 1) {
          const byAdmin = life.acknowledged === 'confirmed';
          const cancelled = await send(
            'cancel',
            first,
            'POST',
            `/reservations/${life.id}/cancel`,
            byAdmin ? admin : user,
          );
          if (acknowledged(cancelled, 200)) life.acknowledged = 'cancelled';
          else if (!refused(cancelled)) life.uncertain = 'cancelled';
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));

    const waitFor = async (what: string, done: () => boolean | Promise<boolean>, deadlineMs: number) => {
      const until = Date.now() + deadlineMs;
      while (!(await done())) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await sleep(100);
      }
    };
    const ready = async (name: 'A' | 'B') => {
      const res = await sendRaw(processes[name].url, { method: 'GET', path: '/readyz', headers: {} }, 5000);
      return res.kind === 'response' && res.status === 200;
    };
    const timeline: string[] = [];
    const mark = (next: Phase) => {
      phase = next;
      timeline.push(`${new Date().toISOString().slice(11, 23)} ${next}`);
    };
    mark('before faults');

    try {
      await waitFor('30 acknowledged creates', () => lives.length >= 30, 60_000);

      // 1. SIGKILL one process in the middle of the load, and start a new one in its place.
      mark('api killed');
      await killHard(processes.A);
      processes.A = await start();
      await sleep(1000);

      // 2. Stop the database server (every connection cut) and start it again on the same port and data.
      mark('database down');
      await pg.stop();
      await sleep(2000);
      await pg.start();
      mark('database back');

      // 3. Both processes must find their way back without help: no restart of either.
      const backAt = Date.now();
      await waitFor(
        'both processes to answer /readyz 200',
        async () => (await ready('A')) && (await ready('B')),
        60_000,
      );
      timeline.push(`ready again ${Date.now() - backAt} ms after the database came back`);
      mark('recovered');
      const before = lives.length;
      await waitFor('20 more acknowledged creates after recovery', () => lives.length >= before + 20, 60_000);
    } finally {
      loading = false;
      await Promise.all(workers);
    }

    // What was seen, by phase: statuses, codes and connection errors.
    const seen = new Map<string, number>();
    for (const e of exchanges) {
      const tag =
        e.outcome.kind === 'transport'
          ? e.outcome.error
          : `${e.outcome.status}${e.outcome.status >= 400 ? ` ${String(json(e.outcome)?.code ?? '')}` : ''}`;
      const key = `${e.phase} | ${e.what} | ${tag}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const report = [
      `timeline: ${timeline.join('; ')}`,
      ...[...seen.entries()].sort().map(([k, n]) => `  ${k}: ${n}`),
      `${lives.length} acknowledged creates, ${unacknowledgedCreates} unacknowledged`,
    ].join('\n');
    console.info(report);

    // Every failure had the right shape: a 5xx problem without a stack trace or SQL, or a connection error.
    const badFailures = exchanges.filter(
      (e) =>
        e.outcome.kind === 'response' &&
        e.outcome.status >= 500 &&
        (!/^application\/problem\+json/.test(String(e.outcome.headers['content-type'])) ||
          STACK_OR_SQL.test(e.outcome.body.toString('utf8'))),
    );
    expect(
      badFailures.map(
        (e) => `${e.phase} ${e.what}: ${e.outcome.kind === 'response' && e.outcome.body.toString('utf8')}`,
      ),
    ).toEqual([]);
    const timeouts = exchanges.filter((e) => e.outcome.kind === 'transport' && e.outcome.error === 'timeout');
    expect(
      timeouts.map((e) => `${e.phase} ${e.what}`),
      'requests left hanging',
    ).toEqual([]);
    // No failure before the first fault, nor once both processes said they were ready again.
    const failedOutsideFaults = exchanges.filter(
      (e) =>
        (e.phase === 'before faults' || e.phase === 'recovered') &&
        (e.outcome.kind === 'transport' || e.outcome.status >= 500),
    );
    expect(
      failedOutsideFaults.map((e) => `${e.phase} ${e.what} on ${e.process}`),
      report,
    ).toEqual([]);

    // Both processes serve again, and B is the very process that lived through it all.
    expect(processes.B.child.pid).toBe(survivorPid);
    expect(processes.B.child.exitCode).toBeNull();
    expect(await ready('A')).toBe(true);
    expect(await ready('B')).toBe(true);

    // Every acknowledged write is in the database.
    const store = (await openPostgresStore({ url: database.url, poolSize: 2 })) as KyselyStore;
    try {
      const rows = await store.kysely.selectFrom('reservations').selectAll().execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const wrong: string[] = [];
      for (const life of lives) {
        const row = byId.get(life.id);
        if (!row) {
          wrong.push(`#${life.id}: acknowledged as created, missing`);
          continue;
        }
        if (
          row.reservation_name !== life.sent.reservation_name ||
          row.number_of_people !== life.sent.number_of_people ||
          row.start_time.getTime() !== Date.parse(life.created.start_time) ||
          row.end_time.getTime() !== Date.parse(life.created.end_time) ||
          row.user_id !== life.created.user_id
        ) {
          wrong.push(
            `#${life.id}: stored ${JSON.stringify(row)}, acknowledged ${JSON.stringify(life.created)}`,
          );
        }
        const allowed = [life.acknowledged, ...(life.uncertain ? [life.uncertain] : [])];
        if (!allowed.includes(row.status as Life['acknowledged'])) {
          wrong.push(`#${life.id}: ${row.status}, acknowledged ${allowed.join(' or ')}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(rows.length).toBeGreaterThanOrEqual(lives.length);
      expect(rows.length).toBeLessThanOrEqual(lives.length + unacknowledgedCreates);

      const audit = await auditCapacity(store.kysely, CAPACITY);
      expect(audit.ledgerMismatches).toEqual([]);
      expect(audit.overCapacity).toEqual([]);
      expect(audit.maxLoad).toBeLessThanOrEqual(CAPACITY);
      // The load did fill slots to the brim and got refusals for capacity.
      expect(audit.confirmed).toBeGreaterThan(0);
      expect(
        exchanges.some((e) => e.outcome.kind === 'response' && json(e.outcome)?.code === 'capacity_exceeded'),
      ).toBe(true);
    } finally {
      await store.close();
    }
  }, 300_000);
});
