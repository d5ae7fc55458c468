import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KyselyStore, openPostgresStore } from './index.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let database: TestDatabase;
let store: KyselyStore;

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  const opened = await openPostgresStore({ url: database.url, poolSize: 4 });
  if (!(opened instanceof KyselyStore)) throw new Error('expected a KyselyStore');
  store = opened;
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

/** The SQLSTATE `statement` fails with. */
async function sqlStateOf(statement: Promise<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error) return String(error.code);
    throw error;
  }
  return expect.fail('expected the statement to fail');
}

describe('the schema defends its own invariants', () => {
  it('slot_loads refuses a load over its capacity or below zero, whoever writes it', async () => {
    const db = store.kysely;
    expect(
      await sqlStateOf(sql`insert into slot_loads values ('2026-12-10T00:00:00Z', 11, 10)`.execute(db)),
    ).toBe('23514');
    expect(
      await sqlStateOf(sql`insert into slot_loads values ('2026-12-10T00:00:00Z', -1, 10)`.execute(db)),
    ).toBe('23514');
    await sql`insert into slot_loads values ('2026-12-10T00:10:00Z', 10, 10)`.execute(db);
    expect(
      await sqlStateOf(
        sql`update slot_loads set confirmed_people = confirmed_people + 1 where slot_start = '2026-12-10T00:10:00Z'`.execute(
          db,
        ),
      ),
    ).toBe('23514');
  });

  it('reservations refuse end before start and non-positive head counts', async () => {
    const user = await store.run((s) =>
      s.users.insert({
        email: 'schema@example.com',
        userName: 'S',
        passwordHash: 'h',
        role: 'user',
        createdAt: 0,
      }),
    );
    const insert = (start: string, end: string, people: number) =>
      sql`insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
          values (${user.id}, 'x', ${start}::timestamptz, ${end}::timestamptz, ${people}, 'pending', now(), now())`.execute(
        store.kysely,
      );
    expect(await sqlStateOf(insert('2026-12-10T01:00:00Z', '2026-12-10T01:00:00Z', 1))).toBe('23514');
    expect(await sqlStateOf(insert('2026-12-10T01:00:00Z', '2026-12-10T02:00:00Z', 0))).toBe('23514');
    await expect(insert('2026-12-10T01:00:00Z', '2026-12-10T02:00:00Z', 1)).resolves.toBeDefined();
  });

  it('the audit trail is append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const user = await store.run((s) =>
      s.users.insert({
        email: 'audit@example.com',
        userName: 'A',
        passwordHash: 'h',
        role: 'user',
        createdAt: 0,
      }),
    );
    const reservation = await store.run((s) =>
      s.reservations.insert({
        userId: user.id,
        reservationName: 'audited',
        start: Date.parse('2026-12-10T03:00:00Z'),
        end: Date.parse('2026-12-10T04:00:00Z'),
        numberOfPeople: 1,
        status: 'pending',
        createdAt: 0,
        updatedAt: 0,
      }),
    );
    await store.run((s) =>
      s.events.append({
        reservationId: reservation.id,
        type: 'created',
        actorId: user.id,
        at: 0,
        before: null,
        after: reservation,
      }),
    );
    const db = store.kysely;
    expect(await sqlStateOf(sql`update reservation_events set actor_id = 0`.execute(db))).toBe('42501');
    expect(await sqlStateOf(sql`delete from reservation_events`.execute(db))).toBe('42501');
    expect(await sqlStateOf(sql`truncate reservation_events cascade`.execute(db))).toBe('42501');
    expect(await store.run((s) => s.events.listFor(reservation.id))).toHaveLength(1);
  });
});
