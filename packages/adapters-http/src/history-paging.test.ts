import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './testing/test-app.js';

/** The first bookable day at the test clock. */
const D = '2026-11-23';

/** `Link` as a map from rel to target, failing on a rel that appears twice. */
function linksOf(header: string | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? '').split(', ').filter(Boolean)) {
    const match = /^<([^>]*)>; rel="(first|prev|next|last)"$/.exec(part);
    expect(match, part).not.toBeNull();
    expect(links[match![2]!], `rel ${match![2]} twice`).toBeUndefined();
    links[match![2]!] = match![1]!;
  }
  return links;
}

describe('history paging, Link headers and the change limit over HTTP', () => {
  let app: TestApp;
  let alice: string;
  let admin: string;
  let id: number;
  const http = () => request(app.url);
  const as = (token: string, req: request.Test) => req.auth(token, { type: 'bearer' });
  const rename = (token: string, n: number) =>
    as(token, http().patch(`/reservations/${id}`)).send({ reservation_name: `Rename ${n}` });

  beforeAll(async () => {
    app = await startTestApp(new InMemoryStore());
    await app.ensureAdmin.execute({ email: 'admin@example.com', password: 'admin-password' });
    const logIn = async (email: string, password: string) =>
      (await http().post('/users/login').send({ email, password })).body.access_token as string;
    admin = await logIn('admin@example.com', 'admin-password');
    await http()
      .post('/users/register')
      .send({ email: 'alice@example.com', password: 'password-1', user_name: 'Alice' });
    alice = await logIn('alice@example.com', 'password-1');
    const booked = await as(alice, http().post('/reservations')).send({
      reservation_name: 'Mock exam',
      start: `${D} 09:00`,
      end: `${D} 10:00`,
      number_of_people: 5,
    });
    expect(booked.status).toBe(201);
    id = booked.body.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lets the owner change a reservation 100 times; the 101st is 409 too_many_changes and changes nothing', async () => {
    for (let n = 1; n <= 100; n++) expect((await rename(alice, n)).status).toBe(200);
    const refused = await rename(alice, 101);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 409, code: 'too_many_changes', title: 'Too many changes' });
    expect(refused.body.detail).toContain('100');
    const now = await as(alice, http().get(`/reservations/${id}`));
    expect(now.body.reservation_name).toBe('Rename 100');
    // A change to the same values records nothing, so it is no change and is answered as before.
    expect((await rename(alice, 100)).status).toBe(200);
    // An admin is not limited.
    expect((await rename(admin, 102)).status).toBe(200);
    expect((await rename(alice, 103)).status).toBe(409);
  });

  it('pages the history oldest first, 100 by default, with X-Total-Count and Link', async () => {
    // created + 100 updates by alice + 1 by the admin.
    const total = 102;
    const first = await as(alice, http().get(`/reservations/${id}/history`));
    expect(first.status).toBe(200);
    expect(first.headers['x-total-count']).toBe(String(total));
    expect(first.body).toHaveLength(100);
    expect(first.body[0].type).toBe('created');
    expect(first.body[1].after.reservation_name).toBe('Rename 1');
    expect(linksOf(first.headers.link)).toEqual({
      first: `/reservations/${id}/history?page=1&limit=100`,
      next: `/reservations/${id}/history?page=2&limit=100`,
      last: `/reservations/${id}/history?page=2&limit=100`,
    });
    const second = await as(alice, http().get(`/reservations/${id}/history?page=2`));
    expect(second.body.map((e: { after: { reservation_name: string } }) => e.after.reservation_name)).toEqual(
      ['Rename 100', 'Rename 102'],
    );
    expect(second.body[1].actor_role).toBe('admin');
    expect(linksOf(second.headers.link)).toEqual({
      first: `/reservations/${id}/history?page=1&limit=100`,
      prev: `/reservations/${id}/history?page=1&limit=100`,
      last: `/reservations/${id}/history?page=2&limit=100`,
    });
  });

  it('gives first, prev, next and last exactly where they exist, for any page and limit', async () => {
    const path = `/reservations/${id}/history`;
    const link = (page: number, limit: number) => `${path}?page=${page}&limit=${limit}`;
    const middle = await as(alice, http().get(`${path}?limit=10&page=5`));
    expect(middle.body).toHaveLength(10);
    expect(middle.body[0].after.reservation_name).toBe('Rename 40');
    expect(middle.headers['x-total-count']).toBe('102');
    expect(linksOf(middle.headers.link)).toEqual({
      first: `${path}?limit=10&page=1`,
      prev: `${path}?limit=10&page=4`,
      next: `${path}?limit=10&page=6`,
      last: `${path}?limit=10&page=11`,
    });
    const last = await as(alice, http().get(`${path}?page=11&limit=10`));
    expect(last.body).toHaveLength(2);
    expect(linksOf(last.headers.link)).toEqual({
      first: link(1, 10),
      prev: link(10, 10),
      last: link(11, 10),
    });
    const past = await as(alice, http().get(`${path}?page=40&limit=10`));
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
    expect(past.headers['x-total-count']).toBe('102');
    expect(linksOf(past.headers.link)).toEqual({
      first: link(1, 10),
      prev: link(11, 10),
      last: link(11, 10),
    });
    const whole = await as(admin, http().get(`${path}?page=1&limit=100`));
    expect(whole.body).toHaveLength(100);
  });

  it('refuses a bad page or limit (plain digits only, one error each), and unknown parameters, with 400 naming them', async () => {
    const path = `/reservations/${id}/history`;
    for (const [query, field] of [
      ['page=0', 'page'],
      ['page=-1', 'page'],
      ['page=abc', 'page'],
      ['page=1.5', 'page'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=', 'limit'],
      ['limit=1e2', 'limit'],
      ['page=%2B1', 'page'],
      ['page=%201', 'page'],
      ['page=99999999999999999999', 'page'],
      ['sort=desc', 'sort'],
    ] as const) {
      const res = await as(alice, http().get(`${path}?${query}`));
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe('validation_error');
      expect(
        res.body.errors.map((e: { path: string }) => e.path),
        query,
      ).toEqual([field]);
    }
  });

  it('refuses a parameter given twice, in those words', async () => {
    const res = await as(alice, http().get(`/reservations/${id}/history?page=1&page=2`));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'page', message: 'given more than once; send it once' }]);
  });

  it('hides another user’s history, whatever the page', async () => {
    await http()
      .post('/users/register')
      .send({ email: 'bob@example.com', password: 'password-1', user_name: 'Bob' });
    const bob = (await http().post('/users/login').send({ email: 'bob@example.com', password: 'password-1' }))
      .body.access_token;
    const res = await as(bob, http().get(`/reservations/${id}/history?page=2`));
    expect(res.status).toBe(404);
  });

  it('lets the owner cancel at the cap', async () => {
    const res = await as(alice, http().post(`/reservations/${id}/cancel`));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
  });
});

describe('Link on GET /reservations', () => {
  let app: TestApp;
  let token: string;
  const http = () => request(app.url);

  beforeAll(async () => {
    app = await startTestApp(new InMemoryStore());
    await http()
      .post('/users/register')
      .send({ email: 'carol@example.com', password: 'password-1', user_name: 'Carol' });
    token = (await http().post('/users/login').send({ email: 'carol@example.com', password: 'password-1' }))
      .body.access_token;
  });
  afterAll(async () => {
    await app?.close();
  });

  const list = (query: string) => http().get(`/reservations${query}`).auth(token, { type: 'bearer' });

  it('an empty list has one page: first and last, nothing else', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(res.headers['x-total-count']).toBe('0');
    expect(linksOf(res.headers.link)).toEqual({
      first: '/reservations?page=1&limit=10',
      last: '/reservations?page=1&limit=10',
    });
  });

  it('keeps the other query parameters, and counts pages by the limit asked', async () => {
    for (let n = 0; n < 5; n++) {
      const hour = String(9 + n).padStart(2, '0');
      const booked = await http()
        .post('/reservations')
        .auth(token, { type: 'bearer' })
        .send({
          reservation_name: `R${n}`,
          start: `${D} ${hour}:00`,
          end: `${D} ${hour}:30`,
          number_of_people: 1,
        });
      expect(booked.status).toBe(201);
    }
    const res = await list(`?start=${D}&end=${D}&limit=2&page=2`);
    expect(res.body.map((r: { reservation_name: string }) => r.reservation_name)).toEqual(['R2', 'R3']);
    expect(res.headers['x-total-count']).toBe('5');
    const base = `/reservations?start=${D}&end=${D}&limit=2`;
    expect(linksOf(res.headers.link)).toEqual({
      first: `${base}&page=1`,
      prev: `${base}&page=1`,
      next: `${base}&page=3`,
      last: `${base}&page=3`,
    });
    const exact = await list('?limit=5');
    expect(linksOf(exact.headers.link)).toEqual({
      first: '/reservations?limit=5&page=1',
      last: '/reservations?limit=5&page=1',
    });
  });
});
