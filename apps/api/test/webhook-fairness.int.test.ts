import { createServer, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, startApi } from './api-process.js';
import { type Call, jsonClient, seoulDate } from './stories.js';
import { type Receiver, startReceiver } from './webhook-receiver.js';

/*
 * Endpoints that never answer must not starve a healthy one: a real API
 * process, a real PostgreSQL, receivers on loopback only. The healthy
 * endpoint's rate alone and beside four hung ones is measured in this run,
 * and only their ratio is asserted.
 */
const JWT_SECRET = 'webhook-test-secret-webhook-test-secret';
const ADMIN = { email: 'admin@example.com', password: 'admin-password' };
const MESSAGES = 300;

/** A server that accepts connections and never answers (nor reads): an endpoint that hangs. */
async function startHungServer() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    connections: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('webhook delivery fairness', () => {
  let database: TestDatabase;
  let api: ApiProcess;
  let call: Call;
  let admin: string;
  let user: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    api = await startApi({
      DATABASE_URL: database.url,
      JWT_SECRET,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_DELAYS_MS: '300,300,300,300,300,300,300',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
    call = jsonClient(api.url);
    const email = 'fair@example.com';
    const body = { email, password: 'password-1', user_name: 'F' };
    expect((await call('POST', '/users/register', { body })).status).toBe(201);
    user = (await call('POST', '/users/login', { body: { email, password: body.password } })).body
      .access_token;
    admin = (await call('POST', '/users/login', { body: ADMIN })).body.access_token;
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
    await Promise.all(closers.map((close) => close()));
    await database?.drop();
  });

  const subscribe = async (url: string): Promise<number> => {
    const res = await call('POST', '/webhooks', {
      token: admin,
      body: { url, events: ['reservation.confirmed'] },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  /** Books `MESSAGES` pending reservations (nothing is subscribed to their creation). */
  const bookMany = async (day: string): Promise<number[]> => {
    const ids: number[] = [];
    for (let i = 0; i < MESSAGES; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const res = await call('POST', '/reservations', {
            token: user,
            body: { reservation_name: 'f', start: `${day} 09:00`, end: `${day} 10:00`, number_of_people: 1 },
          });
          expect(res.status).toBe(201);
          return res.body.id as number;
        }),
      );
      ids.push(...batch);
    }
    return ids;
  };

  /** Confirms `ids` in one bulk action and waits until `receiver` got them all (beside what it had): messages per second. */
  const rate = async (ids: number[], receiver: Receiver): Promise<number> => {
    const received = () => new Set(receiver.hooks.map((h) => h.id)).size;
    const before = received();
    const started = performance.now();
    const res = await call('POST', '/reservations/bulk/confirm', { token: admin, body: { ids } });
    expect(res.status).toBe(200);
    await expect.poll(received, { timeout: 30_000, interval: 5 }).toBe(before + ids.length);
    return ids.length / ((performance.now() - started) / 1000);
  };

  it('a healthy endpoint gets its messages at least half as fast beside four endpoints that never answer as alone', async () => {
    // Each rate is the better of two runs: one run of 300 messages lasts well under a second,
    // and a hiccup of the shared machine in it would decide the ratio alone.
    const aloneIds = [await bookMany(seoulDate(20)), await bookMany(seoulDate(22))];
    const besideIds = [await bookMany(seoulDate(21)), await bookMany(seoulDate(23))];

    const alone = await startReceiver();
    closers.push(alone.close);
    const aloneId = await subscribe(alone.url);
    const aloneRate = Math.max(await rate(aloneIds[0]!, alone), await rate(aloneIds[1]!, alone));
    expect((await call('DELETE', `/webhooks/${aloneId}`, { token: admin })).status).toBe(204);

    const hung = await Promise.all(Array.from({ length: 4 }, startHungServer));
    for (const h of hung) {
      closers.push(h.close);
      await subscribe(h.url);
    }
    const healthy = await startReceiver();
    closers.push(healthy.close);
    await subscribe(healthy.url);
    const besideRate = Math.max(await rate(besideIds[0]!, healthy), await rate(besideIds[1]!, healthy));

    // The hung endpoints were tried (they hold connections) but held few attempts at once.
    expect(hung.every((h) => h.connections() > 0)).toBe(true);
    console.info(
      `healthy endpoint: ${aloneRate.toFixed(0)} messages/s alone, ${besideRate.toFixed(0)} beside 4 hung ones`,
    );
    expect(besideRate / aloneRate).toBeGreaterThanOrEqual(0.5);
  }, 90_000);
});
