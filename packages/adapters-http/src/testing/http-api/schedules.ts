import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** GET /reservations/schedules. */
export function describeSchedules(makeStore: MakeStore): void {
  describe('GET /reservations/schedules', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('gives the merged example of API.md for one confirmed 10,000-person booking 10:00–11:00', async () => {
      const D = bookableDay(1);
      const next = bookableDay(2);
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, D, '10:00', '11:00', 10_000);
      await bookOk(user.token, D, '12:00', '13:00', 30_000); // pending: holds no places
      const confirmed = await http()
        .post(`/reservations/${id}/confirm`)
        .auth(admin.token, { type: 'bearer' });
      expect(confirmed.status).toBe(200);
      const res = await http()
        .get('/reservations/schedules')
        .query({ start: D, end: D })
        .auth(user.token, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { start: `${D}T00:00:00+09:00`, end: `${D}T10:00:00+09:00`, available_capacity: 50_000 },
        { start: `${D}T10:00:00+09:00`, end: `${D}T11:00:00+09:00`, available_capacity: 40_000 },
        { start: `${D}T11:00:00+09:00`, end: `${next}T00:00:00+09:00`, available_capacity: 50_000 },
      ]);
    });

    it('names a missing or malformed query parameter in plain words, with what is allowed', async () => {
      const user = await signUp();
      const missing = await http()
        .get('/reservations/schedules')
        .query({ end: '2026-11-23' })
        .auth(user.token, { type: 'bearer' });
      expectProblem(missing, 400, 'validation_error');
      expect(missing.body.errors).toEqual([{ path: 'start', message: 'required (a date, YYYY-MM-DD)' }]);
      expect(missing.body.detail).toBe('start: required (a date, YYYY-MM-DD)');
      const malformed = await http()
        .get('/reservations/schedules')
        .query({ start: '2026-11-23', end: '23/11/2026' })
        .auth(user.token, { type: 'bearer' });
      expect(malformed.body.errors).toEqual([{ path: 'end', message: 'must be a date, YYYY-MM-DD' }]);
      const page = await http().get('/reservations').query({ page: 'abc', limit: '0' }).auth(user.token, {
        type: 'bearer',
      });
      expect(page.body.errors).toEqual([
        { path: 'page', message: 'must be a whole number from 1 to 1000000' },
        { path: 'limit', message: 'must be a whole number from 1 to 100' },
      ]);
    });

    it('drops the days before the lead-time boundary', async () => {
      const user = await signUp();
      const res = await http()
        .get('/reservations/schedules')
        .query({ start: '2026-11-20', end: '2026-11-23' })
        .auth(user.token, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body[0].start).toBe('2026-11-23T00:00:00+09:00');
      // The boundary itself, in a header: the first bookable day even when the range is all before it.
      expect(res.headers['first-bookable']).toBe('2026-11-23T00:00:00+09:00');
      const before = await http()
        .get('/reservations/schedules')
        .query({ start: '2026-11-20', end: '2026-11-21' })
        .auth(user.token, { type: 'bearer' });
      expect(before.body).toEqual([]);
      expect(before.headers['first-bookable']).toBe('2026-11-23T00:00:00+09:00');
    });

    it('drops full slots', async () => {
      const D = bookableDay(3);
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, D, '00:00', '00:10', 50_000);
      await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      const res = await http()
        .get('/reservations/schedules')
        .query({ start: D, end: D })
        .auth(user.token, { type: 'bearer' });
      expect(res.body).toEqual([
        {
          start: `${D}T00:10:00+09:00`,
          end: `${bookableDay(4)}T00:00:00+09:00`,
          available_capacity: 50_000,
        },
      ]);
    });

    it.each([
      ['end', { start: '2026-12-01', end: '2027-12-03' }],
      ['end', { start: '2026-12-02', end: '2026-12-01' }],
      ['start', { start: '2026-02-30', end: '2026-03-01' }],
      ['start', { start: '2026/12/01', end: '2026-12-01' }],
      ['end', { start: '2026-12-01' }],
      ['page', { start: '2026-12-01', end: '2026-12-01', page: '1' }],
    ])('refuses a bad query with 400 naming %s', async (path, query) => {
      const user = await signUp();
      const res = await http()
        .get('/reservations/schedules')
        .query(query)
        .auth(user.token, { type: 'bearer' });
      expectFieldError(res, path);
    });

    it('accepts a range of exactly 366 days', async () => {
      const user = await signUp();
      const res = await http()
        .get('/reservations/schedules')
        .query({ start: '2026-12-01', end: '2027-12-01' })
        .auth(user.token, { type: 'bearer' });
      expect(res.status).toBe(200);
    });
  });
}
