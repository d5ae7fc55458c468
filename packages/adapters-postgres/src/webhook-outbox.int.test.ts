import { CreateWebhookEndpoint } from '@exam-reservation/application';
import { FakeWebhookTransport, useCaseKit } from '@exam-reservation/application/testing';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Database } from './database.js';
import { KyselyStore } from './index.js';
import { sessionLimits } from './pg-read-executor.js';
import { createTestDatabase, resetSchema, type TestDatabase } from './testing/index.js';

let database: TestDatabase;
let pool: pg.Pool;
let store: KyselyStore;
/** The text of every query sent on a pooled connection, in order. */
let sent: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  // As openPostgresStore does: a connection the database's drop terminates must not be an uncaught error.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      sent.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
      return query(...args);
    };
  });
  store = new KyselyStore('postgres', new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), {
    pool,
    settings: sessionLimits({ statementTimeoutMs: 10_000, idleInTransactionMs: 20_000 }),
  });
  await store.migrate();
});

beforeEach(async () => {
  await resetSchema(store);
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

async function subscribed(kit: Awaited<ReturnType<typeof useCaseKit>>) {
  await new CreateWebhookEndpoint({
    uow: store,
    clock: kit.clock,
    transport: new FakeWebhookTransport(),
  }).execute({ actor: kit.admin, url: 'https://receiver.example/hook', events: ['reservation.confirmed'] });
}

describe('the webhook outbox on PostgreSQL', () => {
  it('rides in the confirmation’s last message, with the COMMIT: still three round trips', async () => {
    const kit = await useCaseKit(store, { capacity: 100, confirmBatch: 1 });
    await subscribed(kit);
    const r = await kit.book(kit.alice, 0, 6, 10);
    sent = [];
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
    expect(sent).toHaveLength(3);
    const last = sent[2]!;
    expect(last).toMatch(/insert into "reservation_events"[\s\S]*insert into webhook_deliveries/);
    expect(last).toMatch(/commit$/);
    const queued = await pool.query('select count(*)::int as n from webhook_deliveries');
    expect(queued.rows[0].n).toBe(1);
  });

  it('tells its listeners after a commit that queued messages, and only then', async () => {
    const kit = await useCaseKit(store, { capacity: 100 });
    let told = 0;
    store.onWebhooksQueued(() => {
      told++;
    });
    const first = await kit.book(kit.alice, 0, 6, 10);
    const second = await kit.book(kit.alice, 0, 6, 91);
    await kit.confirm.execute({ actor: kit.admin, id: first.id });
    expect(told).toBe(0); // no endpoint yet: nothing queued
    await subscribed(kit);
    await kit.book(kit.alice, 0, 6, 1);
    expect(told).toBe(0); // creations are not subscribed to
    await expect(kit.confirm.execute({ actor: kit.admin, id: second.id })).rejects.toMatchObject({
      code: 'capacity_exceeded',
    });
    expect(told).toBe(0); // refused: rolled back, nothing queued
    const third = await kit.book(kit.alice, 0, 6, 10);
    await kit.confirm.execute({ actor: kit.admin, id: third.id });
    expect(told).toBe(1);
    const rows = await pool.query<{ event_id: number }>(
      `select d.event_id from webhook_deliveries d join reservation_events e on e.id = d.event_id
       where e.reservation_id = $1`,
      [third.id],
    );
    expect(rows.rows).toHaveLength(1);
  });

  it('two confirmations racing for room for one queue one message: the loser’s (refused early or by the ledger’s CHECK at commit) is rolled back with its change', async () => {
    const kit = await useCaseKit(store, { capacity: 100, confirmBatch: 1 });
    await subscribed(kit);
    const a = await kit.book(kit.alice, 0, 1, 60);
    const b = await kit.book(kit.alice, 0, 1, 60);
    // Two confirmations race for room for one: both pass the early check, one loses at commit.
    const settled = await Promise.allSettled([
      kit.confirm.execute({ actor: kit.admin, id: a.id }),
      kit.newConfirmer().execute({ actor: kit.admin, id: b.id }),
    ]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const queued = await pool.query<{ reservation_id: number }>(
      `select e.reservation_id from webhook_deliveries d join reservation_events e on e.id = d.event_id`,
    );
    const winner = settled[0]!.status === 'fulfilled' ? a.id : b.id;
    expect(queued.rows).toEqual([{ reservation_id: winner }]);
  });
});
