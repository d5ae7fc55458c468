import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { type KyselyStore, migrateToLatest } from './index.js';
import { createTestDatabase } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

let store: KyselyStore;

storePerFile({ poolSize: 4 }, (opened) => {
  ({ store } = opened);
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
        actorRole: 'user',
        reason: null,
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

  it('reservations and events take the status rejected; events keep a role and a reason', async () => {
    const db = store.kysely;
    const user = await store.run((s) =>
      s.users.insert({
        email: 'rej@example.com',
        userName: 'R',
        passwordHash: 'h',
        role: 'user',
        createdAt: 0,
      }),
    );
    const insert = (status: string) =>
      sql`insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
          values (${user.id}, 'x', '2026-12-10T01:00:00Z', '2026-12-10T02:00:00Z', 1, ${status}, now(), now())`.execute(
        db,
      );
    await expect(insert('rejected')).resolves.toBeDefined();
    expect(await sqlStateOf(insert('refused'))).toBe('23514');
    const event = (type: string, role: string) =>
      sql`insert into reservation_events (reservation_id, type, actor_id, actor_role, at, after)
          select id, ${type}, 1, ${role}, now(), '{}'::jsonb from reservations limit 1`.execute(db);
    await expect(event('rejected', 'admin')).resolves.toBeDefined();
    expect(await sqlStateOf(event('deleted', 'admin'))).toBe('23514');
    expect(await sqlStateOf(event('rejected', 'root'))).toBe('23514');
    expect(
      await sqlStateOf(
        sql`insert into reservation_events (reservation_id, type, actor_id, at, after)
            select id, 'created', 1, now(), '{}'::jsonb from reservations limit 1`.execute(db),
      ),
    ).toBe('23502');
  });
});

describe('migration 0003 on a database with history', () => {
  it('backfills the role of past actors and leaves the audit trail append-only', async () => {
    const fresh = await createTestDatabase(inject('testDatabaseAdminUrl'));
    const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    pool.on('error', () => undefined); // the drop may end a connection still closing
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      expect(await migrateToLatest(db, { upTo: '0001-initial-schema' })).toEqual({
        applied: ['0001-initial-schema'],
      });
      await sql`insert into users (email, user_name, password_hash, role, created_at) values
        ('owner@example.com', 'O', 'h', 'user', now()),
        ('admin@example.com', 'A', 'h', 'admin', now()),
        ('promoted@example.com', 'P', 'h', 'admin', now())`.execute(db);
      const ids = (
        await sql<{ id: number; email: string }>`select id, email from users order by id`.execute(db)
      ).rows.map((r) => r.id);
      const [owner, admin, promoted] = ids as [number, number, number];
      await sql`insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
        values (${owner}, 'a', '2026-12-10T01:00:00Z', '2026-12-10T02:00:00Z', 1, 'cancelled', now(), now()),
               (${promoted}, 'b', '2026-12-10T01:00:00Z', '2026-12-10T02:00:00Z', 1, 'pending', now(), now())`.execute(
        db,
      );
      const [a, b] = (
        await sql<{ id: number }>`select id from reservations order by id`.execute(db)
      ).rows.map((r) => r.id) as [number, number];
      const snapshot = (userId: number) => JSON.stringify({ userId });
      await sql`insert into reservation_events (reservation_id, type, actor_id, at, before, after) values
        (${a}, 'created', ${owner}, now(), null, ${snapshot(owner)}::jsonb),
        (${a}, 'confirmed', ${admin}, now(), null, ${snapshot(owner)}::jsonb),
        (${a}, 'cancelled', ${admin}, now(), null, ${snapshot(owner)}::jsonb),
        (${b}, 'created', ${promoted}, now(), null, ${snapshot(promoted)}::jsonb),
        (${b}, 'updated', 999, now(), null, ${snapshot(promoted)}::jsonb)`.execute(db);
      const latest = await migrateToLatest(db);
      expect(latest.applied[0]).toBe('0002-login-throttle');
      const roles = await sql<{ type: string; actor_role: string; reason: string | null }>`
        select type, actor_role, reason from reservation_events order by id`.execute(db);
      expect(roles.rows.map((r) => [r.type, r.actor_role, r.reason])).toEqual([
        ['created', 'user', null],
        ['confirmed', 'admin', null],
        ['cancelled', 'admin', null],
        // An admin now, acting on their own reservation: the account's role is the best evidence left.
        ['created', 'admin', null],
        // Someone else's reservation: only an admin could have.
        ['updated', 'admin', null],
      ]);
      expect(await sqlStateOf(sql`update reservation_events set reason = 'x'`.execute(db))).toBe('42501');
    } finally {
      await db.destroy();
      await fresh.drop();
    }
  });
});
