import { KyselyStore, openPostgresStore } from '@exam-reservation/adapters-postgres';
import {
  auditCapacity,
  createTestDatabase,
  type TestDatabase,
} from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, runCli, startApi } from './api-process.js';

const JWT_SECRET = 'admission-secret-admission-secret-1234';
const CAPACITY = 100;
const SLOT = 10 * 60_000;

/** A date `days` from now in Seoul, as YYYY-MM-DD. */
function seoulDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/** A small deterministic generator, so a failing race can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

/** A tiny JSON client for one API process. */
function client(api: ApiProcess) {
  return async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      // biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
      body: (text ? JSON.parse(text) : undefined) as any,
    };
  };
}

describe('admission and Idempotency-Key across two API processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let store: KyselyStore;
  let env: Record<string, string>;
  let a: ApiProcess;
  let b: ApiProcess;
  let admin: string;
  let user: string;
  let userId: number;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    env = {
      DATABASE_URL: database.url,
      JWT_SECRET,
      DATABASE_POOL_SIZE: '10',
      SLOT_CAPACITY: String(CAPACITY),
    };
    expect(
      (await runCli(['create-admin', '--email', 'boss@example.com', '--password', 'boss-password'], env))
        .code,
    ).toBe(0);
    [a, b] = await Promise.all([startApi(env), startApi(env)]);
    const opened = await openPostgresStore({ url: database.url, poolSize: 2 });
    if (!(opened instanceof KyselyStore)) throw new Error('expected a KyselyStore');
    store = opened;
    const callA = client(a);
    const registered = await callA('POST', '/users/register', {
      body: { email: 'many@example.com', password: 'password-1', user_name: 'Many' },
    });
    userId = registered.body.id;
    user = (
      await callA('POST', '/users/login', { body: { email: 'many@example.com', password: 'password-1' } })
    ).body.access_token;
    admin = (
      await client(b)('POST', '/users/login', {
        body: { email: 'boss@example.com', password: 'boss-password' },
      })
    ).body.access_token;
  }, 240_000);

  afterAll(async () => {
    const stopped = await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    await database?.drop();
    expect(stopped).toEqual([0, 0]);
  });

  /** Inserts pending reservations over `day` 09:00–13:00 in creation order, with SQL. */
  async function seed(day: string, count: number, seed: number): Promise<number[]> {
    const next = random(seed);
    const base = Date.parse(`${day}T09:00:00+09:00`);
    const created = Date.now() - 3_600_000;
    const { kysely } = store;
    const rows = Array.from({ length: count }, (_, i) => {
      const from = next(24);
      return {
        user_id: userId,
        reservation_name: `seeded ${i}`,
        start_time: new Date(base + from * SLOT),
        end_time: new Date(base + (from + 1 + next(3)) * SLOT),
        number_of_people: 5 + next(36),
        status: 'pending' as const,
        created_at: new Date(created + i),
        updated_at: new Date(created + i),
      };
    });
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += 1000) {
      const inserted = await kysely
        .insertInto('reservations')
        .values(rows.slice(i, i + 1000))
        .returning('id')
        .execute();
      ids.push(...inserted.map((r) => r.id));
    }
    return ids;
  }

  it('admissions in both processes racing single and bulk confirmations never overfill a slot', async () => {
    const day = seoulDate(10);
    const ids = await seed(day, 3000, 21);
    const [callA, callB] = [client(a), client(b)];
    const next = random(4);
    const pick = (n: number) => [...new Set(Array.from({ length: n }, () => ids[next(ids.length)]!))];
    const admit = { start: day, end: day };
    const answers = await Promise.all([
      callA('POST', '/reservations/admit', { token: admin, body: admit }),
      callB('POST', '/reservations/admit', { token: admin, body: admit }),
      ...pick(200).map((id, i) =>
        (i % 2 ? callA : callB)('POST', `/reservations/${id}/confirm`, { token: admin }),
      ),
      callB('POST', '/reservations/bulk/confirm', { token: admin, body: { ids: pick(400) } }),
      callA('POST', '/reservations/bulk/reject', { token: admin, body: { ids: pick(100), reason: 'moved' } }),
    ]);
    for (const answer of answers) expect([200, 409], answer.text).toContain(answer.status);
    for (const answer of answers.filter((x) => x.status === 409)) {
      expect(['capacity_exceeded', 'invalid_state']).toContain(answer.body.code);
    }
    const [first, second] = answers;
    expect(first!.body).toEqual({
      confirmed: expect.any(Number),
      rejected: 0,
      left_pending: expect.any(Number),
      complete: true,
    });
    expect(second!.body).toEqual({
      confirmed: expect.any(Number),
      rejected: 0,
      left_pending: expect.any(Number),
      complete: true,
    });

    const { kysely } = store;
    const audit = await auditCapacity(kysely, CAPACITY);
    expect(audit.overCapacity).toEqual([]);
    expect(audit.ledgerMismatches).toEqual([]);
    expect(audit.maxLoad).toBeLessThanOrEqual(CAPACITY);
    // Every reservation left pending would not fit next to the confirmed load as it ends up.
    const loads = new Map(
      (await kysely.selectFrom('slot_loads').select(['slot_start', 'confirmed_people']).execute()).map(
        (r) => [r.slot_start.getTime(), r.confirmed_people],
      ),
    );
    const pending = await kysely
      .selectFrom('reservations')
      .select(['id', 'start_time', 'end_time', 'number_of_people'])
      .where('status', '=', 'pending')
      .execute();
    expect(pending.length).toBeGreaterThan(100);
    for (const r of pending) {
      let fits = true;
      for (let t = r.start_time.getTime(); t < r.end_time.getTime(); t += SLOT) {
        if ((loads.get(t) ?? 0) + r.number_of_people > CAPACITY) fits = false;
      }
      expect(fits, `pending reservation ${r.id} would fit`).toBe(false);
    }
    const statuses = await kysely
      .selectFrom('reservations')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const count = (s: string) => Number(statuses.find((x) => x.status === s)?.n ?? 0);
    expect(count('confirmed')).toBe(audit.confirmed);
    expect(count('confirmed')).toBeGreaterThan(50);
    expect(count('rejected')).toBeGreaterThan(0);
  });

  it('20 concurrent creates with one Idempotency-Key on both processes make one reservation; a replay survives a restart', async () => {
    const day = seoulDate(12);
    const body = {
      reservation_name: 'once only',
      start: `${day} 10:00`,
      end: `${day} 11:00`,
      number_of_people: 3,
    };
    const headers = { 'idempotency-key': 'retry-after-timeout-1' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client(i % 2 ? a : b)('POST', '/reservations', { token: user, body, headers }),
      ),
    );
    const fresh = answers.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    for (const r of answers) {
      if (r.status === 201) expect(r.text).toBe(fresh[0]!.text);
      else expect([r.status, r.body.code]).toEqual([409, 'idempotency_in_progress']);
    }
    const listed = await client(a)('GET', `/reservations?start=${day}&end=${day}`, { token: user });
    expect(listed.body.map((r: { reservation_name: string }) => r.reservation_name)).toEqual(['once only']);

    // A keyed admission too, then both processes restart: the stored answers outlive them.
    const admitted = await client(b)('POST', '/reservations/admit', {
      token: admin,
      body: { start: day, end: day },
      headers: { 'idempotency-key': '"admit-once"' },
    });
    expect(admitted.body).toEqual({ confirmed: 1, rejected: 0, left_pending: 0, complete: true });
    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    [a, b] = await Promise.all([startApi(env), startApi(env)]);
    const replay = await client(a)('POST', '/reservations', { token: user, body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('location')).toBe(fresh[0]!.headers.get('location'));
    expect(replay.text).toBe(fresh[0]!.text);
    const admittedAgain = await client(b)('POST', '/reservations/admit', {
      token: admin,
      body: { start: day, end: day },
      headers: { 'idempotency-key': 'admit-once' },
    });
    expect(admittedAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(admittedAgain.text).toBe(admitted.text);
  });
});
