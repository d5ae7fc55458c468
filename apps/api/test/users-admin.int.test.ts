import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, killHard, startApi } from './api-process.js';

/*
 * API.md v3 "Users (admin), passwords", across two API processes on one
 * PostgreSQL database: a password change on one process refuses the
 * account's earlier tokens on the other (the schedule fast path included,
 * after it served them), wrong current passwords are counted with the
 * log-ins in the database and an unlock on the other process clears them,
 * and two admins demoting each other through different processes leave one.
 */

const JWT_SECRET = 'users-admin-secret-users-admin-secret!!';
const ADMIN = { email: 'root@example.com', password: 'root-password-1' };

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function call(
  api: ApiProcess,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function logIn(api: ApiProcess, email: string, password: string): Promise<string> {
  const res = await call(api, 'POST', '/users/login', { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { access_token: string }).access_token;
}

async function register(api: ApiProcess, email: string, password: string): Promise<number> {
  const res = await call(api, 'POST', '/users/register', { body: { email, password, user_name: 'U' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { id: number }).id;
}

/** A day well past the lead time, as `YYYY-MM-DD`. */
const DAY = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);

describe('accounts and passwords across two API processes on one database', () => {
  let database: TestDatabase;
  let a: ApiProcess;
  let b: ApiProcess;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    const env = {
      DATABASE_URL: database.url,
      JWT_SECRET,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      HASH_QUEUE_MAX_WAIT_MS: '60000',
    };
    a = await startApi(env);
    b = await startApi(env);
  }, 180_000);
  afterAll(async () => {
    for (const api of [a, b]) if (api) await killHard(api);
    await database?.drop();
  });

  it('a password change on one process refuses every earlier token on the other, on every route, schedules included', async () => {
    const email = 'changer@example.com';
    await register(a, email, 'password-old');
    const t1 = await logIn(a, email, 'password-old');
    const t2 = await logIn(b, email, 'password-old');
    const routes = (token: string, api: ApiProcess) =>
      Promise.all([
        call(api, 'GET', '/users/me', { token }),
        call(api, 'GET', '/reservations', { token }),
        call(api, 'GET', `/reservations/schedules?start=${DAY}&end=${DAY}`, { token }),
      ]).then((answers) => answers.map((x) => x.status));
    // Served first, twice, on both processes: the schedule fast path knows these tokens and accounts.
    for (const api of [a, b]) {
      for (const token of [t1, t2]) {
        expect(await routes(token, api)).toEqual([200, 200, 200]);
        expect(await routes(token, api)).toEqual([200, 200, 200]);
      }
    }
    const changed = await call(a, 'POST', '/users/me/password', {
      token: t1,
      body: { current_password: 'password-old', new_password: 'password-new' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
    for (const api of [b, a]) {
      for (const token of [t1, t2]) expect(await routes(token, api)).toEqual([401, 401, 401]);
    }
    const old = await call(b, 'POST', '/users/login', { body: { email, password: 'password-old' } });
    expect(old.status).toBe(401);
    const fresh = await logIn(b, email, 'password-new');
    expect(await routes(fresh, a)).toEqual([200, 200, 200]);
    expect(await routes(fresh, b)).toEqual([200, 200, 200]);
  }, 120_000);

  it('five changes sent at once with one token, over both processes: one is made, the other four are 401', async () => {
    const email = 'racer@example.com';
    await register(a, email, 'password-old');
    const token = await logIn(a, email, 'password-old');
    const news = [1, 2, 3, 4, 5].map((i) => `password-race-${i}`);
    const answers = await Promise.all(
      news.map((next, i) =>
        call(i % 2 === 0 ? a : b, 'POST', '/users/me/password', {
          token,
          body: { current_password: 'password-old', new_password: next },
        }),
      ),
    );
    const statuses = answers.map((x) => x.status);
    expect(
      statuses.filter((s) => s === 204),
      JSON.stringify(statuses),
    ).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    for (const refused of answers.filter((x) => x.status === 401)) {
      expect(refused.body).toMatchObject({ code: 'unauthorized' });
    }
    const made = news[statuses.indexOf(204)]!;
    for (const next of news) {
      const login = await call(b, 'POST', '/users/login', { body: { email, password: next } });
      expect(login.status, next).toBe(next === made ? 200 : 401);
    }
  }, 120_000);

  it('wrong current passwords are counted in the database like failed log-ins; an unlock on the other process clears them', async () => {
    const email = 'forgetful@example.com';
    const id = await register(a, email, 'password-one');
    const token = await logIn(a, email, 'password-one');
    for (let i = 0; i < 5; i++) {
      const wrong = await call(a, 'POST', '/users/me/password', {
        token,
        body: { current_password: `wrong-${i}-password`, new_password: 'password-two' },
      });
      expect(wrong.status).toBe(401);
    }
    // The other process sees the five failures of this account from this address.
    const limited = await call(b, 'POST', '/users/login', { body: { email, password: 'password-one' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    const admin = await logIn(b, ADMIN.email, ADMIN.password);
    const listed = await call(b, 'GET', `/users?email=${encodeURIComponent(email.toUpperCase())}`, {
      token: admin,
    });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      { id, email, user_name: 'U', role: 'user', created_at: expect.any(String) },
    ]);
    expect((await call(b, 'POST', `/users/${id}/unlock`, { token: admin })).status).toBe(204);
    expect(await logIn(a, email, 'password-one')).toEqual(expect.any(String));
  }, 120_000);

  it('two admins demoting each other through the two processes at once always leave one admin', async () => {
    const root = await logIn(a, ADMIN.email, ADMIN.password);
    const rootId = ((await call(a, 'GET', '/users/me', { token: root })).body as { id: number }).id;
    const otherId = await register(a, 'deputy@example.com', 'deputy-password');
    const deputy = await logIn(b, 'deputy@example.com', 'deputy-password');
    const tokens = new Map([
      [rootId, root],
      [otherId, deputy],
    ]);
    for (let round = 0; round < 8; round++) {
      // Both admins (and only they) at the start of each round.
      let admins = await call(a, 'GET', '/users?role=admin&limit=100', { token: root });
      if (admins.status === 403)
        admins = await call(a, 'GET', '/users?role=admin&limit=100', { token: deputy });
      const ids = (admins.body as { id: number }[]).map((u) => u.id);
      const survivor = ids.includes(rootId) ? rootId : otherId;
      const loser = survivor === rootId ? otherId : rootId;
      if (!ids.includes(loser)) {
        const promoted = await call(a, 'PATCH', `/users/${loser}`, {
          token: tokens.get(survivor)!,
          body: { role: 'admin' },
        });
        expect(promoted.status).toBe(200);
      }
      const [one, two] = await Promise.all([
        call(a, 'PATCH', `/users/${otherId}`, { token: root, body: { role: 'user' } }),
        call(b, 'PATCH', `/users/${rootId}`, { token: deputy, body: { role: 'user' } }),
      ]);
      const statuses = [one.status, two.status];
      expect(
        statuses.filter((s) => s === 200),
        JSON.stringify([one.body, two.body]),
      ).toHaveLength(1);
      const refused = one.status === 200 ? two : one;
      expect([403, 409]).toContain(refused.status);
      if (refused.status === 409) expect(refused.body).toMatchObject({ code: 'last_admin' });
      const token = one.status === 200 ? root : deputy;
      const left = await call(b, 'GET', '/users?role=admin', { token });
      expect(left.headers.get('x-total-count')).toBe('1');
    }
  }, 120_000);
});
