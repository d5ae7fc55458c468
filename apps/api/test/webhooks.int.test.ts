import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  simpleQuery,
  type TestDatabase,
} from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, startApi } from './api-process.js';
import { startPgBouncer } from './proxies.js';
import { type Call, jsonClient, seoulDate } from './stories.js';
import { type Receiver, startReceiver } from './webhook-receiver.js';

/*
 * Webhooks end to end: real API processes (the built dist), a real
 * PostgreSQL, and receivers on loopback that the tests start themselves
 * (WEBHOOK_ALLOW_PRIVATE=true lets the API send to them). Nothing is sent
 * anywhere else.
 */
const JWT_SECRET = 'webhook-test-secret-webhook-test-secret';
const ADMIN = { email: 'admin@example.com', password: 'admin-password' };
const METRICS_TOKEN = 'metrics-token-for-the-tests';
const ALL = [
  'reservation.created',
  'reservation.updated',
  'reservation.confirmed',
  'reservation.rejected',
  'reservation.cancelled',
];

const baseEnv = (databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  JWT_SECRET,
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_DELAYS_MS: '300,300,300',
  WEBHOOK_TIMEOUT_MS: '1000',
  METRICS_TOKEN,
  SCHEDULE_MAX_STALENESS_MS: '0',
});

async function tokens(call: Call): Promise<{ admin: string; user: string }> {
  const email = `u-${Math.random().toString(36).slice(2)}@example.com`;
  expect(
    (await call('POST', '/users/register', { body: { email, password: 'password-1', user_name: 'U' } }))
      .status,
  ).toBe(201);
  const user = (await call('POST', '/users/login', { body: { email, password: 'password-1' } })).body
    .access_token;
  const admin = (await call('POST', '/users/login', { body: ADMIN })).body.access_token;
  return { admin, user };
}

async function subscribe(call: Call, admin: string, url: string, events = ALL) {
  const res = await call('POST', '/webhooks', { token: admin, body: { url, events } });
  expect(res.status).toBe(201);
  return res.body as { id: number; secret: string };
}

const book = async (call: Call, user: string, day: string, people: number, from = '09:00', to = '10:00') => {
  const res = await call('POST', '/reservations', {
    token: user,
    body: {
      reservation_name: `r ${people}`,
      start: `${day} ${from}`,
      end: `${day} ${to}`,
      number_of_people: people,
    },
  });
  expect(res.status).toBe(201);
  return res.body as { id: number };
};

const until = (probe: () => unknown, timeout = 20_000) => expect.poll(probe, { timeout, interval: 50 });

describe('webhooks from one API process on PostgreSQL', () => {
  let database: TestDatabase;
  let api: ApiProcess;
  let call: Call;
  let admin: string;
  let user: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    api = await startApi(baseEnv(database.url));
    call = jsonClient(api.url);
    ({ admin, user } = await tokens(call));
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await database?.drop();
  });

  it('sends every kind of change, bulk and admission included, signed so that standardwebhooks verifies it; a refused change sends nothing', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const { secret } = await subscribe(call, admin, receiver.url);
    const day = seoulDate(10);
    const a = await book(call, user, day, 30);
    const tooBig = await book(call, user, day, 49_990);
    const toReject = await book(call, user, day, 5);
    const inBulk = await book(call, user, day, 5);
    const admitted = await book(call, user, seoulDate(11), 5);
    expect(
      (await call('PATCH', `/reservations/${a.id}`, { token: user, body: { number_of_people: 40 } })).status,
    ).toBe(200);
    expect((await call('POST', `/reservations/${a.id}/confirm`, { token: admin })).status).toBe(200);
    const refused = await call('POST', `/reservations/${tooBig.id}/confirm`, { token: admin });
    expect([refused.status, refused.body.code]).toEqual([409, 'capacity_exceeded']);
    expect(
      (await call('POST', `/reservations/${toReject.id}/reject`, { token: admin, body: { reason: 'no' } }))
        .status,
    ).toBe(200);
    const bulk = await call('POST', '/reservations/bulk/confirm', {
      token: admin,
      body: { ids: [inBulk.id] },
    });
    expect(bulk.body.results[0].status).toBe(200);
    const admission = await call('POST', '/reservations/admit', {
      token: admin,
      body: { start: seoulDate(11), end: seoulDate(11) },
    });
    expect(admission.body).toEqual({ confirmed: 1, rejected: 0, left_pending: 0, complete: true });
    expect((await call('POST', `/reservations/${a.id}/cancel`, { token: admin })).status).toBe(200);

    // 5 created, 1 updated, 3 confirmed (single, bulk, admission), 1 rejected, 1 cancelled.
    await until(() => receiver.hooks.length).toBe(11);
    receiver.verifyAll(secret);
    const confirmedIds = receiver.of('reservation.confirmed').map((h) => h.payload.data.id);
    expect(confirmedIds.sort()).toEqual([a.id, inBulk.id, admitted.id].sort());
    expect(confirmedIds).not.toContain(tooBig.id);
    expect(receiver.of('reservation.rejected')[0]!.payload.data).toMatchObject({
      id: toReject.id,
      status: 'rejected',
    });
    // The payload is the reservation exactly as the API shows it.
    const cancelled = receiver.of('reservation.cancelled')[0]!.payload;
    expect(cancelled.data).toEqual((await call('GET', `/reservations/${a.id}`, { token: user })).body);
    expect(cancelled.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
    expect(new Set(receiver.hooks.map((h) => h.id)).size).toBe(11);
    // Nothing else arrives: the refused confirmation was rolled back with its message.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.hooks).toHaveLength(11);

    const metrics = await fetch(`${api.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const text = await metrics.text();
    expect(metrics.status).toBe(200);
    expect(text).toMatch(/^exam_webhook_attempts_total\{outcome="delivered"\} (1[1-9]|[2-9]\d)$/m);
    expect(text).toMatch(/^exam_webhook_outbox_pending 0$/m);
    expect(text).toMatch(
      /^exam_http_requests_total\{method="POST",route="\/reservations\/:id\/confirm",status="409"\} 1$/m,
    );
    expect(text).toMatch(/^exam_db_pool_connections\{state="max"\} 10$/m);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
  });

  it('retries a receiver that answers 500 with the same webhook-id, until a 2xx', async () => {
    const receiver = await startReceiver((_id, seen) => (seen < 2 ? 500 : 200));
    receivers.push(receiver);
    const { id: endpoint, secret } = await subscribe(call, admin, receiver.url, ['reservation.created']);
    await book(call, user, seoulDate(12), 1);
    await until(() => receiver.hooks.length).toBe(3);
    expect(new Set(receiver.hooks.map((h) => h.id)).size).toBe(1);
    receiver.verifyAll(secret);
    await until(
      async () => (await call('GET', `/webhooks/${endpoint}/deliveries`, { token: admin })).body[0].status,
    ).toBe('delivered');
    const [delivery] = (await call('GET', `/webhooks/${endpoint}/deliveries`, { token: admin })).body;
    expect(delivery.id).toBe(receiver.hooks[0]!.id);
    expect(
      delivery.attempts.map((x: { attempt: number; response_status: number }) => [
        x.attempt,
        x.response_status,
      ]),
    ).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(delivery.next_attempt_at).toBeNull();
  });

  it('disables an endpoint that answers 410 Gone and sends it nothing more', async () => {
    const gone = await startReceiver(() => 410);
    const sentinel = await startReceiver();
    receivers.push(gone, sentinel);
    const { id } = await subscribe(call, admin, gone.url, ['reservation.created']);
    await book(call, user, seoulDate(13), 1);
    await until(() => gone.hooks.length).toBe(1);
    await until(
      async () =>
        (await call('GET', '/webhooks', { token: admin })).body.find((w: { id: number }) => w.id === id)
          .status,
    ).toBe('disabled');
    await subscribe(call, admin, sentinel.url, ['reservation.created']);
    await book(call, user, seoulDate(13), 1);
    await until(() => sentinel.hooks.length).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(gone.hooks).toHaveLength(1);
  });
});

describe('webhooks survive a crash', () => {
  let database: TestDatabase;
  const apis: ApiProcess[] = [];
  let receiver: Receiver;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  }, 180_000);
  afterAll(async () => {
    for (const api of apis) api.child.kill('SIGKILL');
    await receiver?.close();
    await database?.drop();
  });

  it('an API process killed with SIGKILL right after a committed change still delivers its event after restart', async () => {
    // The first attempt is held open: the process is killed while it is in flight.
    let holding = true;
    receiver = await startReceiver(() => (holding ? 'hold' : 204));
    const first = await startApi(baseEnv(database.url));
    apis.push(first);
    const call = jsonClient(first.url);
    const { admin, user } = await tokens(call);
    const { secret } = await subscribe(call, admin, receiver.url, ['reservation.created']);
    const booked = await book(call, user, seoulDate(10), 7);
    await until(() => receiver.hooks.length).toBe(1);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('close', resolve));
    holding = false;
    for (const res of receiver.held.splice(0)) res.destroy();

    const second = await startApi(baseEnv(database.url));
    apis.push(second);
    // Due again once the dead process's lease (2 × 1 s + 5 s) has run out.
    await until(() => receiver.hooks.length, 30_000).toBe(2);
    expect(receiver.hooks[1]!.id).toBe(receiver.hooks[0]!.id);
    expect(receiver.hooks[1]!.payload.data.id).toBe(booked.id);
    receiver.verifyAll(secret);
    await until(() => simpleQuery(database.url, 'select state from webhook_deliveries')).toEqual([
      { state: 'delivered' },
    ]);
    // The attempt the dead process made was never recorded; the next one was.
    expect(await simpleQuery(database.url, 'select attempt, response_status from webhook_attempts')).toEqual([
      { attempt: 2, response_status: 204 },
    ]);
    expect(await second.stop()).toBe(0);
  }, 90_000);
});

describe('webhooks from two API processes through PgBouncer in transaction pooling mode', () => {
  let database: TestDatabase;
  let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
  let apis: ApiProcess[] = [];
  let receiver: Receiver;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    bouncer = await startPgBouncer(database.url);
    const env = baseEnv(bouncer.url);
    apis = [await startApi(env)];
    apis.push(await startApi(env));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    await receiver?.close();
    await bouncer?.stop();
    await database?.drop();
  });

  it('makes each attempt of each event once: a 500 then a 2xx, never a third request', async () => {
    receiver = await startReceiver((_id, seen) => (seen === 0 ? 500 : 204));
    const calls = apis.map((a) => jsonClient(a.url));
    const { admin, user } = await tokens(calls[0]!);
    const { secret } = await subscribe(calls[1]!, admin, receiver.url, [
      'reservation.created',
      'reservation.confirmed',
    ]);
    const day = seoulDate(15);
    const booked = await Promise.all(Array.from({ length: 30 }, (_, i) => book(calls[i % 2]!, user, day, 1)));
    await Promise.all(
      booked.map((r, i) => calls[(i + 1) % 2]!('POST', `/reservations/${r.id}/confirm`, { token: admin })),
    );
    await until(() => receiver.hooks.length, 30_000).toBe(120);
    await new Promise((r) => setTimeout(r, 1500));
    const perId = new Map<string, number>();
    for (const h of receiver.hooks) perId.set(h.id, (perId.get(h.id) ?? 0) + 1);
    expect(perId.size).toBe(60);
    expect([...perId.values()].every((n) => n === 2)).toBe(true);
    receiver.verifyAll(secret);
    expect(
      await simpleQuery(
        database.url,
        'select state, count(*)::int as n from webhook_deliveries group by state',
      ),
    ).toEqual([{ state: 'delivered', n: 60 }]);
    expect(
      await simpleQuery(
        database.url,
        'select count(*)::int as n, count(distinct (delivery_id, attempt))::int as distinct_attempts from webhook_attempts',
      ),
    ).toEqual([{ n: 120, distinct_attempts: 120 }]);
    expect(await bouncer.pools()).toEqual(['transaction']);
  }, 90_000);
});

describe('webhooks on the embedded store (one process)', () => {
  it('delivers from PGlite too', async () => {
    await buildOnce();
    const dataDir = await mkdtemp(join(tmpdir(), 'exam-webhooks-embedded-'));
    const receiver = await startReceiver();
    const { DATABASE_URL: _, ...env } = baseEnv('');
    const api = await startApi({ ...env, DATA_DIR: dataDir });
    try {
      const call = jsonClient(api.url);
      const { admin, user } = await tokens(call);
      const { secret } = await subscribe(call, admin, receiver.url, ['reservation.created']);
      const booked = await book(call, user, seoulDate(10), 3);
      await until(() => receiver.hooks.length).toBe(1);
      expect(receiver.hooks[0]!.payload).toMatchObject({
        type: 'reservation.created',
        data: { id: booked.id },
      });
      receiver.verifyAll(secret);
    } finally {
      expect(await api.stop()).toBe(0);
      await receiver.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
