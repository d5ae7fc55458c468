import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** GET /reservations and GET /reservations/{id}. */
export function describeReservationsRead(makeStore: MakeStore): void {
  describe('GET /reservations', () => {
    const { http, signUp, signUpAdmin, book, bookOk } = useHttpApi(makeStore);

    it('pages the caller’s own reservations by start then id, with X-Total-Count', async () => {
      const user = await signUp();
      const other = await signUp();
      const D = bookableDay(7);
      const late = await bookOk(user.token, D, '12:00', '13:00');
      const early = await bookOk(user.token, D, '09:00', '10:00');
      const tie = await bookOk(user.token, D, '12:00', '12:30');
      await bookOk(other.token, D, '08:00', '09:00');
      const first = await http()
        .get('/reservations')
        .query({ page: 1, limit: 2 })
        .auth(user.token, { type: 'bearer' });
      expect(first.status).toBe(200);
      expect(first.headers['x-total-count']).toBe('3');
      expect(first.body.map((r: { id: number }) => r.id)).toEqual([early.id, late.id]);
      const second = await http()
        .get('/reservations')
        .query({ page: 2, limit: 2 })
        .auth(user.token, { type: 'bearer' });
      expect(second.body.map((r: { id: number }) => r.id)).toEqual([tie.id]);
      const past = await http()
        .get('/reservations')
        .query({ page: 3, limit: 2 })
        .auth(user.token, { type: 'bearer' });
      expect(past.body).toEqual([]);
      expect(past.headers['x-total-count']).toBe('3');
    });

    it('lets admins see everyone’s, filtered by a date range, any status', async () => {
      const D = bookableDay(8);
      const a = await signUp();
      const b = await signUp();
      const admin = await signUpAdmin();
      const ra = await bookOk(a.token, D, '10:00', '11:00');
      const crossing = await book(b.token, { start: `${D} 23:50`, end: `${bookableDay(9)} 00:10` });
      expect(crossing.status).toBe(201);
      await http().delete(`/reservations/${ra.id}`).auth(a.token, { type: 'bearer' }).expect(204);
      await bookOk(a.token, bookableDay(10));
      const res = await http()
        .get('/reservations')
        .query({ start: D, end: D, limit: 100 })
        .auth(admin.token, { type: 'bearer' });
      expect(res.status).toBe(200);
      const ids = res.body.map((r: { id: number }) => r.id);
      expect(ids).toEqual([ra.id, crossing.body.id]);
      expect(res.body[0].status).toBe('cancelled');
      const nextDay = await http()
        .get('/reservations')
        .query({ start: bookableDay(9), end: bookableDay(9) })
        .auth(b.token, { type: 'bearer' });
      expect(nextDay.body.map((r: { id: number }) => r.id)).toEqual([crossing.body.id]);
    });

    it.each([
      ['page', { page: 0 }],
      ['page', { page: 'two' }],
      ['limit', { limit: 101 }],
      ['limit', { limit: 0 }],
      ['end', { start: '2026-12-01' }],
      ['end', { start: '2026-12-02', end: '2026-12-01' }],
      ['start', { start: '2026-02-30', end: '2026-03-01' }],
      ['sort', { sort: 'id' }],
    ])('refuses a bad query with 400 naming %s', async (path, query) => {
      const user = await signUp();
      expectFieldError(
        await http().get('/reservations').query(query).auth(user.token, { type: 'bearer' }),
        path,
      );
    });
  });

  describe('GET /reservations/{id}', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('shows a reservation to its owner and to admins, and 404 to anyone else', async () => {
      const owner = await signUp();
      const stranger = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(owner.token, bookableDay(11));
      const mine = await http().get(`/reservations/${id}`).auth(owner.token, { type: 'bearer' });
      expect(mine.status).toBe(200);
      expect(mine.body.id).toBe(id);
      expect((await http().get(`/reservations/${id}`).auth(admin.token, { type: 'bearer' })).status).toBe(
        200,
      );
      const theirs = await http().get(`/reservations/${id}`).auth(stranger.token, { type: 'bearer' });
      expectProblem(theirs, 404, 'not_found');
      const missing = await http().get('/reservations/2147483647').auth(owner.token, { type: 'bearer' });
      expect(theirs.body).toEqual(missing.body);
    });

    // The document calls `{id}` an integer (so typed clients pass `reservation.id`), but a path
    // segment is text and only plain decimal digits are read: no other spelling of 1 finds it.
    it.each([
      'abc',
      '0',
      '-1',
      '1.5',
      '2147483648',
      '99999999999999999999',
      '1.0',
      '01',
      '+1',
      '%201',
      '1%20',
      '1e3',
    ])('refuses the id %s with 400', async (id) => {
      const user = await signUp();
      expectFieldError(await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' }), 'id');
    });
  });
}
