import type { ReadStores, TransactionStores, UnitOfWork } from '@exam-reservation/application';
import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookableDay } from './testing/http-api-suite.js';
import { startTestApp, type TestApp } from './testing/test-app.js';

/** Counts how often pending demand is read outside a unit of work (a load computation). */
class CountingStore implements UnitOfWork {
  pendingReads = 0;
  constructor(private readonly inner: UnitOfWork) {}
  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    return this.inner.run(work);
  }
  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return this.inner.read((stores) => {
      const reservations = stores.reservations;
      return work({
        ...stores,
        reservations: {
          get: (id) => reservations.get(id),
          list: (query) => reservations.list(query),
          listPending: (query) => reservations.listPending(query),
          exportPage: (query) => reservations.exportPage(query),
          exportCsv: (query, zone, take) => reservations.exportCsv(query, zone, take),
          pendingLoadsIn: (from, to, grid) => {
            this.pendingReads++;
            return reservations.pendingLoadsIn(from, to, grid);
          },
        },
      });
    });
  }
}

describe('load answers up to SCHEDULE_MAX_STALENESS_MS old, like the schedules', () => {
  const store = new CountingStore(new InMemoryStore());
  let app: TestApp;
  let user: string;
  let admin: string;
  const D = bookableDay(3);
  const load = (token = admin) =>
    request(app.url).get(`/reservations/load?start=${D}&end=${D}`).auth(token, { type: 'bearer' });
  const book = (people: number) =>
    request(app.url)
      .post('/reservations')
      .auth(user, { type: 'bearer' })
      .send({ reservation_name: 'R', start: `${D} 10:00`, end: `${D} 11:00`, number_of_people: people });

  beforeAll(async () => {
    app = await startTestApp(store, { http: { scheduleMaxStalenessMs: 1_500 } });
    await request(app.url)
      .post('/users/register')
      .send({ email: 'u@example.com', password: 'password-1', user_name: 'U' });
    user = (
      await request(app.url).post('/users/login').send({ email: 'u@example.com', password: 'password-1' })
    ).body.access_token;
    await app.ensureAdmin.execute({ email: 'a@example.com', password: 'admin-password' });
    admin = (
      await request(app.url).post('/users/login').send({ email: 'a@example.com', password: 'admin-password' })
    ).body.access_token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('carries Cache-Control private with max-age in whole seconds, and a strong ETag', async () => {
    const res = await load();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, max-age=1');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('answers 304 with no body to a matching If-None-Match, and 200 to another', async () => {
    const first = await load();
    const etag = first.headers.etag as string;
    const again = await load().set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('private, max-age=1');
    expect((await load().set('If-None-Match', `"other", ${etag}`)).status).toBe(304);
    expect((await load().set('If-None-Match', '"other"')).status).toBe(200);
  });

  it('answers 304 to a browser’s revalidation, which adds Cache-Control: no-cache', async () => {
    const etag = (await load()).headers.etag as string;
    const again = await load().set('If-None-Match', etag).set('Cache-Control', 'no-cache');
    expect(again.status).toBe(304);
  });

  it('never serves a cached answer to a user: 403 while an answer is kept', async () => {
    expect((await load()).status).toBe(200);
    const refused = await load(user);
    expect(refused.status).toBe(403);
    expect(refused.headers.etag).toBeUndefined();
    expect((await load(user).set('If-None-Match', '*')).status).toBe(403);
  });

  it('serves one computation to identical concurrent requests', async () => {
    app.clock.advance(10_000);
    const before = store.pendingReads;
    const answers = await Promise.all(Array.from({ length: 10 }, () => load()));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(store.pendingReads - before).toBe(1);
  });

  it('shows a new pending booking and a confirmation once the bound has passed, never later', async () => {
    app.clock.advance(10_000);
    const stale = await load();
    expect(stale.body).toHaveLength(1);
    const booked = await book(10_000);
    expect(booked.status).toBe(201);
    // Within the bound the answer may still be the old one...
    app.clock.advance(1_000);
    expect((await load()).text).toBe(stale.text);
    // ...but not once the bound has passed since it was computed.
    app.clock.advance(500);
    const pending = await load();
    expect(pending.headers.etag).not.toBe(stale.headers.etag);
    expect(pending.body[1]).toMatchObject({ confirmed: 0, pending: 10_000 });
    expect((await load().set('If-None-Match', stale.headers.etag as string)).status).toBe(200);
    await request(app.url)
      .post(`/reservations/${booked.body.id}/confirm`)
      .auth(admin, { type: 'bearer' })
      .expect(200);
    app.clock.advance(1_500);
    expect((await load()).body[1]).toMatchObject({ confirmed: 10_000, pending: 0 });
  });

  it('with SCHEDULE_MAX_STALENESS_MS 0 reads live every time, with max-age=0', async () => {
    const live = await startTestApp(store, { http: { scheduleMaxStalenessMs: 0 } });
    try {
      const token = (
        await request(live.url)
          .post('/users/login')
          .send({ email: 'a@example.com', password: 'admin-password' })
      ).body.access_token;
      const before = store.pendingReads;
      const get = () =>
        request(live.url).get(`/reservations/load?start=${D}&end=${D}`).auth(token, { type: 'bearer' });
      const first = await get();
      await get();
      expect(store.pendingReads - before).toBe(2);
      expect(first.headers['cache-control']).toBe('private, max-age=0');
      expect((await get().set('If-None-Match', first.headers.etag as string)).status).toBe(304);
    } finally {
      await live.close();
    }
  });
});
