import { StoreUnavailableError } from '@exam-reservation/application';
import { at, useCaseKit } from '@exam-reservation/application/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KyselyStore, openPostgresStore } from './index.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let database: TestDatabase;
let store: KyselyStore;
let other: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  const opened = await openPostgresStore({ url: database.url, poolSize: 2, statementTimeoutMs: 300 });
  if (!(opened instanceof KyselyStore)) throw new Error('expected a KyselyStore');
  store = opened;
  other = new pg.Client({ connectionString: database.url });
  await other.connect();
});

afterAll(async () => {
  await other?.end();
  await store?.close();
  await database?.drop();
});

async function outcome(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

describe('time limits on every statement', () => {
  it('a unit of work waiting on a lock held elsewhere gives up after the statement timeout, as unavailable', async () => {
    const kit = await useCaseKit(store, { capacity: 100, confirmBatch: 1 });
    const booked = await kit.book(kit.alice, 0, 6, 10);
    await other.query('begin');
    await other.query('select * from reservations where id = $1 for update', [booked.id]);
    try {
      const { error, ms } = await outcome(kit.confirm.execute({ actor: kit.admin, id: booked.id }));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(ms).toBeLessThan(5_000);
    } finally {
      await other.query('rollback');
    }
    // Nothing was kept, and the connection went back to the pool in working order.
    expect((await kit.confirm.execute({ actor: kit.admin, id: booked.id })).status).toBe('confirmed');
    expect(await kit.loads(0, 6)).toEqual([10, 10, 10, 10, 10, 10]);
  });

  it('a read waiting on a table locked elsewhere gives up too', async () => {
    await other.query('begin');
    await other.query('lock table slot_loads in access exclusive mode');
    try {
      const { error, ms } = await outcome(store.read((s) => s.ledger.loadsIn(at(0), at(10))));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(ms).toBeLessThan(5_000);
    } finally {
      await other.query('rollback');
    }
    expect((await store.read((s) => s.ledger.loadsIn(at(0), at(1)))).size).toBeGreaterThanOrEqual(0);
  });

  it('leaves no setting behind on the pooled connections (nothing leaks through a pooler either)', async () => {
    await store.run((s) => s.ledger.loadsIn(at(0), at(1)));
    await store.read((s) => s.ledger.loadsIn(at(0), at(1)));
    for (let i = 0; i < 4; i++) {
      const { rows } = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(store.kysely);
      expect(rows[0]?.statement_timeout).toBe('0');
    }
  });
});
