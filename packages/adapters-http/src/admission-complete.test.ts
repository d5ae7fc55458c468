import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_NOW, type TestApp } from './testing/test-app.js';

/** Three days after TEST_NOW in Seoul: past the lead time. */
const DAY = '2026-11-25';
const startOf = (hour: number) => Date.parse(`${DAY}T${String(hour).padStart(2, '0')}:00:00+09:00`);

describe('POST /reservations/admit answers whether it went through the whole range', () => {
  const store = new InMemoryStore();
  let app: TestApp;
  let token: string;
  const admit = (key?: string) => {
    const req = request(app.url).post('/reservations/admit').auth(token, { type: 'bearer' });
    return (key ? req.set('Idempotency-Key', key) : req).send({ start: DAY, end: DAY });
  };

  beforeAll(async () => {
    // Two reservations a chunk, and no time: every run stops after its first chunk.
    app = await startTestApp(store, { admission: { chunkSize: 2, maxMs: 0 } });
    await app.ensureAdmin.execute({ email: 'admin@example.com', password: 'admin-password' });
    const login = await request(app.url)
      .post('/users/login')
      .send({ email: 'admin@example.com', password: 'admin-password' });
    token = login.body.access_token;
    const me = await request(app.url).get('/users/me').auth(token, { type: 'bearer' });
    await store.run((s) =>
      s.reservations.insertAll(
        [9, 10, 11, 12, 13].map((hour, i) => ({
          userId: me.body.id,
          reservationName: `R ${i}`,
          start: startOf(hour),
          end: startOf(hour + 1),
          numberOfPeople: 10,
          status: 'pending' as const,
          createdAt: TEST_NOW + i,
          updatedAt: TEST_NOW + i,
        })),
      ),
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  it('complete: false while cut short; a keyed repeat runs again until complete: true, which alone is replayed', async () => {
    const first = await admit();
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.body).toEqual({ confirmed: 2, rejected: 0, left_pending: 0, complete: false });

    const keyed = await admit('admit-1');
    expect(keyed.status).toBe(200);
    expect(keyed.headers['idempotent-replayed']).toBeUndefined();
    expect(keyed.body).toEqual({ confirmed: 2, rejected: 0, left_pending: 0, complete: false });

    // The incomplete answer was not stored: the same key admits again.
    const repeat = await admit('admit-1');
    expect(repeat.headers['idempotent-replayed']).toBeUndefined();
    expect(repeat.body).toEqual({ confirmed: 1, rejected: 0, left_pending: 0, complete: true });

    const replay = await admit('admit-1');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(repeat.body);
    const statuses = await store.read((s) => s.reservations.list({ offset: 0, limit: 10 }));
    expect(statuses.items.map((r) => r.status)).toEqual(Array(5).fill('confirmed'));
  });
});
