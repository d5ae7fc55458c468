import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookableDay } from './testing/http-api-suite.js';
import { startTestApp, type TestApp } from './testing/test-app.js';

/** A date and time as ISO 8601 writes it, with or without seconds, fraction and offset. */
const TIME_LIKE = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/gi;
/** The one form the contract allows in answers, in the test app's zone (Asia/Seoul). */
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;

interface ProblemBody {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

describe('times in error details', () => {
  let app: TestApp;
  let user: string;
  let admin: string;
  const http = () => request(app.url);
  const day = bookableDay(0);

  beforeAll(async () => {
    app = await startTestApp(new InMemoryStore());
    await http()
      .post('/users/register')
      .send({ email: 'times@example.com', password: 'password-1', user_name: 'T' });
    user = (await http().post('/users/login').send({ email: 'times@example.com', password: 'password-1' }))
      .body.access_token;
    await app.ensureAdmin.execute({ email: 'times-admin@example.com', password: 'admin-password' });
    admin = (
      await http().post('/users/login').send({ email: 'times-admin@example.com', password: 'admin-password' })
    ).body.access_token;
  });
  afterAll(async () => {
    await app?.close();
  });

  const book = (token: string, fields: Record<string, unknown>) =>
    http()
      .post('/reservations')
      .auth(token, { type: 'bearer' })
      .send({
        reservation_name: 'T',
        start: `${day} 10:00`,
        end: `${day} 11:00`,
        number_of_people: 1,
        ...fields,
      });

  /** Every refusal the routes can give, with whatever the details say about time. */
  async function refusals(): Promise<ProblemBody[]> {
    const answers: request.Response[] = [];
    const keep = (res: request.Response) => {
      answers.push(res);
      return res;
    };
    // Fill 10:00–10:10 to capacity, then ask for one more place there in each way there is.
    const full = await book(user, { start: `${day} 10:00`, end: `${day} 10:10`, number_of_people: 50_000 });
    await http().post(`/reservations/${full.body.id}/confirm`).auth(admin, { type: 'bearer' }).expect(200);
    keep(await book(user, { start: `${day} 09:00`, end: `${day} 12:00` }));
    const pending = await book(user, { start: `${day} 08:00`, end: `${day} 09:00` });
    const moved = await book(admin, { start: `${day} 08:00`, end: `${day} 09:00` });
    await http().post(`/reservations/${moved.body.id}/confirm`).auth(admin, { type: 'bearer' }).expect(200);
    keep(
      await http()
        .patch(`/reservations/${moved.body.id}`)
        .auth(admin, { type: 'bearer' })
        .send({ start: `${day} 09:50`, end: `${day} 10:20` }),
    );
    keep(
      await http()
        .patch(`/reservations/${pending.body.id}`)
        .auth(user, { type: 'bearer' })
        .send({ start: `${day} 10:00`, end: `${day} 10:30` }),
    );
    await http()
      .patch(`/reservations/${pending.body.id}`)
      .auth(admin, { type: 'bearer' })
      .send({ end: `${day} 08:10` })
      .expect(200);
    const late = await book(user, { start: `${day} 10:00`, end: `${day} 10:10` });
    // Refused at once while the slot is full; booked once there is room, then confirmed into a full slot.
    expect(late.status).toBe(409);
    keep(late);
    const fits = await book(user, { start: `${day} 10:10`, end: `${day} 10:20`, number_of_people: 50_000 });
    await http().post(`/reservations/${fits.body.id}/confirm`).auth(admin, { type: 'bearer' }).expect(200);
    const second = await book(user, { start: `${day} 11:00`, end: `${day} 11:10` });
    await http()
      .patch(`/reservations/${second.body.id}`)
      .auth(admin, { type: 'bearer' })
      .send({ start: `${day} 10:10`, end: `${day} 10:20` })
      .expect(409)
      .then(keep);

    // Bad times and dates of every kind, lead time, length, order.
    const bad: Record<string, unknown>[] = [
      { start: '2026-11-20 10:00', end: '2026-11-20 11:00' },
      { start: '2026-11-24T10:05:00+09:00', end: '2026-11-24T11:00:00+09:00' },
      { start: `${day} 11:00`, end: `${day} 10:00` },
      { start: '2026-02-30 10:00', end: '2026-03-01 10:00' },
      { start: `${day} 24:10`, end: `${day} 25:00` },
      { start: 'tomorrow', end: 42 },
      { number_of_people: 0 },
      { number_of_people: 50_001 },
      { reservation_name: '' },
    ];
    for (const fields of bad) keep(await book(user, fields));
    keep(
      await http()
        .get('/reservations/schedules?start=2026-11-30&end=2026-11-23')
        .auth(user, { type: 'bearer' }),
    );
    keep(
      await http()
        .get('/reservations/schedules?start=2026-01-01&end=2027-12-31')
        .auth(user, { type: 'bearer' }),
    );
    keep(await http().get('/reservations?start=2026-11-23').auth(user, { type: 'bearer' }));
    // Status, ownership, authentication.
    await http().post(`/reservations/${pending.body.id}/cancel`).auth(user, { type: 'bearer' }).expect(200);
    keep(await http().post(`/reservations/${pending.body.id}/confirm`).auth(admin, { type: 'bearer' }));
    keep(await http().post(`/reservations/${full.body.id}/cancel`).auth(user, { type: 'bearer' }));
    keep(await http().post(`/reservations/${full.body.id}/confirm`).auth(user, { type: 'bearer' }));
    keep(await http().get('/reservations/999999').auth(user, { type: 'bearer' }));
    keep(await http().get('/reservations'));
    keep(
      await http()
        .post('/users/register')
        .send({ email: 'times@example.com', password: 'password-1', user_name: 'T' }),
    );
    for (let i = 0; i < 6; i++) {
      keep(
        await http().post('/users/login').send({ email: 'times@example.com', password: 'wrong-password' }),
      );
    }
    for (const res of answers) {
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    return answers.map((res) => res.body as ProblemBody);
  }

  it('writes every time in every error detail as ISO 8601 with the zone offset, seconds included', async () => {
    const problems = await refusals();
    const codes = new Set(problems.map((p) => p.code));
    expect([...codes].sort()).toEqual([
      'capacity_exceeded',
      'conflict',
      'forbidden',
      'invalid_state',
      'not_found',
      'rate_limited',
      'unauthorized',
      'validation_error',
    ]);
    const times: string[] = [];
    for (const problem of problems) {
      const texts = [problem.detail, ...(problem.errors ?? []).map((e) => e.message)];
      for (const text of texts) {
        for (const [time] of text.matchAll(TIME_LIKE)) {
          times.push(time);
          expect(time, `in ${JSON.stringify(problem)}`).toMatch(ZONED);
        }
      }
    }
    // Each capacity refusal names its slot: the test looked at real times.
    expect(problems.filter((p) => p.code === 'capacity_exceeded')).toHaveLength(5);
    expect(times.length).toBeGreaterThanOrEqual(5);
  });

  it('names the full slot in the zone: 10:00 in Seoul, not 01:00Z', async () => {
    const res = await book(user, { start: `${day} 10:00`, end: `${day} 10:10` });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(`slot starting ${day}T10:00:00+09:00 has 0 places left, 1 requested`);
  });
});
