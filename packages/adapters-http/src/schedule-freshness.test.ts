import type { ReadStores, TransactionStores, UnitOfWork } from '@exam-reservation/application';
import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookableDay } from './testing/http-api-suite.js';
import { startTestApp, type TestApp } from './testing/test-app.js';

/** Counts how often the slot ledger is read outside a unit of work (a schedule computation). */
class CountingStore implements UnitOfWork {
  ledgerReads = 0;
  constructor(private readonly inner: UnitOfWork) {}
  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    return this.inner.run(work);
  }
  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return this.inner.read((stores) =>
      work({
        ...stores,
        ledger: {
          loadsIn: (from, to) => {
            this.ledgerReads++;
            return stores.ledger.loadsIn(from, to);
          },
        },
      }),
    );
  }
}

describe('schedule answers up to SCHEDULE_MAX_STALENESS_MS old', () => {
  const store = new CountingStore(new InMemoryStore());
  let app: TestApp;
  let user: string;
  let admin: string;
  const D = bookableDay(3);
  const schedules = () =>
    request(app.url).get(`/reservations/schedules?start=${D}&end=${D}`).auth(user, { type: 'bearer' });

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
    const res = await schedules();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, max-age=1');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('answers 304 with no body to a matching If-None-Match, and 200 to another', async () => {
    const first = await schedules();
    const etag = first.headers.etag as string;
    const again = await schedules().set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('private, max-age=1');
    expect((await schedules().set('If-None-Match', `"other", ${etag}`)).status).toBe(304);
    expect((await schedules().set('If-None-Match', `W/${etag}`)).status).toBe(304);
    expect((await schedules().set('If-None-Match', '"other"')).status).toBe(200);
    // A browser's revalidation carries Cache-Control: no-cache; the origin still answers 304.
    const revalidated = schedules().set('If-None-Match', `"other", ${etag}`).set('Cache-Control', 'no-cache');
    expect((await revalidated).status).toBe(304);
  });

  it('serves one computation to identical concurrent requests, and computes again ahead of expiry', async () => {
    app.clock.advance(10_000);
    const before = store.ledgerReads;
    const answers = await Promise.all(Array.from({ length: 20 }, () => schedules()));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(store.ledgerReads - before).toBe(1);
    app.clock.advance(1_124);
    await schedules();
    expect(store.ledgerReads - before).toBe(1);
    // Three quarters of the bound: the next answer is computed in the background, once.
    app.clock.advance(1);
    await Promise.all([schedules(), schedules(), schedules()]);
    expect(store.ledgerReads - before).toBe(2);
    // Without requests, nothing is computed; after the bound, the next request computes.
    app.clock.advance(10_000);
    await schedules();
    expect(store.ledgerReads - before).toBe(3);
  });

  it('shows a confirmation once the bound has passed, never later; creating still reads the live load', async () => {
    app.clock.advance(10_000);
    const stale = await schedules();
    const booked = await request(app.url)
      .post('/reservations')
      .auth(user, { type: 'bearer' })
      .send({ reservation_name: 'R', start: `${D} 10:00`, end: `${D} 11:00`, number_of_people: 50_000 });
    expect(booked.status).toBe(201);
    await request(app.url)
      .post(`/reservations/${booked.body.id}/confirm`)
      .auth(admin, { type: 'bearer' })
      .expect(200);
    // Within the bound the answer may still be the old one...
    expect((await schedules()).text).toBe(stale.text);
    // ...but booking reads the live ledger: the full hour is refused at once.
    const refused = await request(app.url)
      .post('/reservations')
      .auth(user, { type: 'bearer' })
      .send({ reservation_name: 'R2', start: `${D} 10:00`, end: `${D} 11:00`, number_of_people: 1 });
    expect(refused.status).toBe(409);
    app.clock.advance(1_500);
    const fresh = await schedules();
    expect(fresh.text).not.toBe(stale.text);
    expect(fresh.headers.etag).not.toBe(stale.headers.etag);
    expect((await schedules().set('If-None-Match', stale.headers.etag as string)).status).toBe(200);
  });

  it('with SCHEDULE_MAX_STALENESS_MS 0 reads live every time, with max-age=0', async () => {
    const live = await startTestApp(store, { http: { scheduleMaxStalenessMs: 0 } });
    try {
      const token = (
        await request(live.url).post('/users/login').send({ email: 'u@example.com', password: 'password-1' })
      ).body.access_token;
      const before = store.ledgerReads;
      const get = () =>
        request(live.url).get(`/reservations/schedules?start=${D}&end=${D}`).auth(token, { type: 'bearer' });
      const first = await get();
      await get();
      expect(store.ledgerReads - before).toBe(2);
      expect(first.headers['cache-control']).toBe('private, max-age=0');
      expect((await get().set('If-None-Match', first.headers.etag as string)).status).toBe(304);
    } finally {
      await live.close();
    }
  });
});
