import { bookableDay, startTestApp, type TestApp } from '@exam-reservation/adapters-http/testing';
import { openPostgresStore, type PostgresStore } from '@exam-reservation/adapters-postgres';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('100 simultaneous confirms over HTTP on PostgreSQL', () => {
  let database: TestDatabase;
  let store: PostgresStore;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    store = await openPostgresStore({ url: database.url, poolSize: 20 });
    app = await startTestApp(store);
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await database?.drop();
  });

  it('lets exactly 10 of 100 × 5,000 people into one window; the other 90 get 409 capacity_exceeded', async () => {
    const day = bookableDay(2);
    const post = (path: string, token: string, body?: object) =>
      fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
    await fetch(`${app.url}/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'many@example.com', password: 'password-1', user_name: 'Many' }),
    });
    const login = async (email: string, password: string) =>
      (
        (await (
          await fetch(`${app.url}/users/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          })
        ).json()) as { access_token: string }
      ).access_token;
    const user = await login('many@example.com', 'password-1');
    await app.ensureAdmin.execute({ email: 'boss@example.com', password: 'admin-password' });
    const admin = await login('boss@example.com', 'admin-password');

    const ids: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await post('/reservations', user, {
        reservation_name: `exam ${i}`,
        start: `${day} 10:00`,
        end: `${day} 11:00`,
        number_of_people: 5_000,
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: number }).id);
    }

    const answers = await Promise.all(
      ids.map(async (id) => {
        const res = await post(`/reservations/${id}/confirm`, admin);
        return { status: res.status, body: (await res.json()) as { code?: string; status?: string } };
      }),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused).toHaveLength(90);
    for (const a of refused) expect(a).toMatchObject({ status: 409, body: { code: 'capacity_exceeded' } });

    const listed = await fetch(`${app.url}/reservations?start=${day}&end=${day}&limit=100`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(listed.headers.get('x-total-count')).toBe('100');
    const statuses = ((await listed.json()) as { status: string }[]).map((r) => r.status);
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'pending')).toHaveLength(90);
    const schedule = (await (
      await fetch(`${app.url}/reservations/schedules?start=${day}&end=${day}`, {
        headers: { authorization: `Bearer ${user}` },
      })
    ).json()) as { start: string; end: string }[];
    expect(schedule.map((s) => [s.start, s.end])).toEqual([
      [`${day}T00:00:00+09:00`, `${day}T10:00:00+09:00`],
      [`${day}T11:00:00+09:00`, `${bookableDay(3)}T00:00:00+09:00`],
    ]);
  });
});
