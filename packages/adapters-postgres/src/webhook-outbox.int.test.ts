import { CreateWebhookEndpoint, type WebhookEventType } from '@exam-reservation/application';
import { bookingDraft, FakeWebhookTransport, useCaseKit } from '@exam-reservation/application/testing';
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

async function subscribed(
  kit: Awaited<ReturnType<typeof useCaseKit>>,
  events: WebhookEventType[] = ['reservation.confirmed'],
) {
  await new CreateWebhookEndpoint({
    uow: store,
    clock: kit.clock,
    transport: new FakeWebhookTransport(),
  }).execute({ actor: kit.admin, url: 'https://receiver.example/hook', events });
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

  it('rides in a booking’s second and last message, with the reservation, its event and the COMMIT', async () => {
    const kit = await useCaseKit(store, { capacity: 100 });
    await subscribed(kit, ['reservation.created']);
    let told = 0;
    store.onWebhooksQueued(() => {
      told++;
    });
    sent = [];
    const booked = await kit.book(kit.alice, 0, 6, 10, "it's \\ $1 📝");
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^begin;/);
    expect(sent[1]).toMatch(
      /insert into "reservations"[\s\S]*insert into reservation_events[\s\S]*insert into webhook_deliveries[\s\S]*commit$/,
    );
    expect(told).toBe(1);
    expect(await kit.uow.read((s) => s.reservations.get(booked.id))).toEqual(booked);
    const history = await kit.uow.read((s) => s.events.listFor(booked.id));
    expect(history).toEqual([
      {
        id: expect.any(Number),
        reservationId: booked.id,
        type: 'created',
        actorId: kit.alice.userId,
        actorRole: 'user',
        reason: null,
        at: booked.createdAt,
        before: null,
        after: booked,
      },
    ]);
    const queued = await pool.query('select event_id from webhook_deliveries');
    expect(queued.rows).toEqual([{ event_id: history[0]!.id }]);
  });

  it('a keyed booking stores its answer after the insert, so the insert does not carry the COMMIT', async () => {
    const kit = await useCaseKit(store, { capacity: 100 });
    sent = [];
    const answer = await kit.create.execute(
      { actor: kit.alice, draft: bookingDraft(0, 6, 10, 'keyed') },
      { key: 'k-1', fingerprint: 'f', render: (d) => ('ok' in d ? 'created' : 'refused') },
    );
    expect(answer.replayed).toBe(false);
    const insert = sent.findIndex((text) => text.includes('insert into "reservations"'));
    expect(sent[insert]).not.toMatch(/commit$/);
    expect(sent.at(-1)).toMatch(/idempotency[\s\S]*commit$/);
    const stored = await pool.query('select count(*)::int as n from idempotency_keys');
    expect(stored.rows[0].n).toBe(1);
    expect(await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }))).toMatchObject({
      total: 1,
    });
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
