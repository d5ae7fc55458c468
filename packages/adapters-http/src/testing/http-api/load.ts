import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** GET /reservations/load (admin). */
export function describeLoad(makeStore: MakeStore): void {
  describe('GET /reservations/load', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);
    const loadOf = (token: string, query: Record<string, string>) =>
      http().get('/reservations/load').query(query).auth(token, { type: 'bearer' });

    it('gives the whole day as stretches of equal load: one confirmed 10,000 at 10:00–11:00, two pending', async () => {
      const D = bookableDay(1);
      const next = bookableDay(2);
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, D, '10:00', '11:00', 10_000);
      await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      await bookOk(user.token, D, '09:30', '10:30', 300);
      await bookOk(user.token, D, '10:20', '12:00', 50);
      // Neither cancelled nor rejected demand counts.
      const cancelled = await bookOk(user.token, D, '00:00', '23:00', 7);
      await http()
        .post(`/reservations/${cancelled.id}/cancel`)
        .auth(user.token, { type: 'bearer' })
        .expect(200);
      const rejected = await bookOk(user.token, D, '00:00', '23:00', 9);
      await http()
        .post(`/reservations/${rejected.id}/reject`)
        .auth(admin.token, { type: 'bearer' })
        .expect(200);
      const res = await loadOf(admin.token, { start: D, end: D });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const row = (start: string, end: string, confirmed: number, pending: number) => ({
        start: `${D}T${start}:00+09:00`,
        end: end === '24:00' ? `${next}T00:00:00+09:00` : `${D}T${end}:00+09:00`,
        capacity: 50_000,
        confirmed,
        pending,
      });
      expect(res.body).toEqual([
        row('00:00', '09:30', 0, 0),
        row('09:30', '10:00', 0, 300),
        row('10:00', '10:20', 10_000, 300),
        row('10:20', '10:30', 10_000, 350),
        row('10:30', '11:00', 10_000, 50),
        row('11:00', '12:00', 0, 50),
        row('12:00', '24:00', 0, 0),
      ]);
    });

    it('keeps past days and merges across midnight: an empty range is one stretch', async () => {
      const admin = await signUpAdmin();
      // The middle day is today at the test clock: before the lead-time boundary, and still shown.
      const res = await loadOf(admin.token, { start: '2026-11-19', end: '2026-11-21' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          start: '2026-11-19T00:00:00+09:00',
          end: '2026-11-22T00:00:00+09:00',
          capacity: 50_000,
          confirmed: 0,
          pending: 0,
        },
      ]);
    });

    it('shows full slots', async () => {
      const D = bookableDay(3);
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, D, '00:00', '00:10', 50_000);
      await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      const res = await loadOf(admin.token, { start: D, end: D });
      expect(res.body.slice(0, 2)).toEqual([
        {
          start: `${D}T00:00:00+09:00`,
          end: `${D}T00:10:00+09:00`,
          capacity: 50_000,
          confirmed: 50_000,
          pending: 0,
        },
        {
          start: `${D}T00:10:00+09:00`,
          end: `${bookableDay(4)}T00:00:00+09:00`,
          capacity: 50_000,
          confirmed: 0,
          pending: 0,
        },
      ]);
    });

    it('takes a range of up to 31 days and refuses 32 with 400 on end', async () => {
      const admin = await signUpAdmin();
      const ok = await loadOf(admin.token, { start: '2026-12-01', end: '2026-12-31' });
      expect(ok.status).toBe(200);
      expect(ok.body[0].start).toBe('2026-12-01T00:00:00+09:00');
      expect(ok.body[ok.body.length - 1].end).toBe('2027-01-01T00:00:00+09:00');
      const long = await loadOf(admin.token, { start: '2026-12-01', end: '2027-01-01' });
      expectFieldError(long, 'end');
      expect(long.body.errors).toEqual([{ path: 'end', message: 'a range may span at most 31 days' }]);
    });

    it.each([
      ['end', { start: '2026-12-02', end: '2026-12-01' }],
      ['start', { start: '2026-02-30', end: '2026-03-01' }],
      ['start', { start: '2026/12/01', end: '2026-12-01' }],
      ['end', { start: '2026-12-01' }],
      ['page', { start: '2026-12-01', end: '2026-12-01', page: '1' }],
    ])('refuses a bad query with 400 naming %s, as the schedules do', async (path, query) => {
      const admin = await signUpAdmin();
      expectFieldError(await loadOf(admin.token, query as Record<string, string>), path);
    });

    it('is for admins: 401 without a token, 403 for a user whatever the query', async () => {
      const user = await signUp();
      const none = await http().get('/reservations/load').query({ start: '2026-12-01', end: '2026-12-01' });
      expectProblem(none, 401, 'unauthorized');
      expectProblem(await loadOf(user.token, { start: '2026-12-01', end: '2026-12-01' }), 403, 'forbidden');
      expectProblem(await loadOf(user.token, { start: 'nonsense' }), 403, 'forbidden');
    });

    it('is not taken for a reservation id', async () => {
      const admin = await signUpAdmin();
      // Without a query it is a 400 of the load view, not a 400 or 404 about an id.
      const res = await http().get('/reservations/load').auth(admin.token, { type: 'bearer' });
      expectFieldError(res, 'start');
    });
  });
}
