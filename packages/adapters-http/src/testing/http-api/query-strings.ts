import type request from 'supertest';
import { describe, expect, it } from 'vitest';
import { bookableDay, type MakeStore, useHttpApi } from './fixtures.js';

/** Query parameters on routes that take none. */
export function describeQueryStrings(makeStore: MakeStore): void {
  describe('query strings', () => {
    const { http, email, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('are refused on every route that takes none, naming the parameter, and nothing changes', async () => {
      const D = bookableDay(40);
      const user = await signUp('query');
      const admin = await signUpAdmin();
      const held = await bookOk(user.token, D);
      const fields = { reservation_name: 'Q', start: `${D} 12:00`, end: `${D} 13:00`, number_of_people: 5 };
      const asUser = (req: request.Test) => req.auth(user.token, { type: 'bearer' });
      const asAdmin = (req: request.Test) => req.auth(admin.token, { type: 'bearer' });
      const requests: [string, () => request.Test][] = [
        [
          'POST /users/register',
          () =>
            http()
              .post('/users/register?x=1')
              .send({ email: email('q'), password: 'password-1', user_name: 'Q' }),
        ],
        [
          'POST /users/login',
          () => http().post('/users/login?x=1').send({ email: user.email, password: 'password-1' }),
        ],
        ['GET /users/me', () => asUser(http().get('/users/me?x=1'))],
        ['POST /reservations', () => asUser(http().post('/reservations?x=1')).send(fields)],
        ['GET /reservations/{id}', () => asUser(http().get(`/reservations/${held.id}?x=1`))],
        ['GET /reservations/{id}/history', () => asUser(http().get(`/reservations/${held.id}/history?x=1`))],
        [
          'PATCH /reservations/{id}',
          () => asUser(http().patch(`/reservations/${held.id}?x=1`)).send({ number_of_people: 7 }),
        ],
        [
          'POST /reservations/{id}/confirm',
          () => asAdmin(http().post(`/reservations/${held.id}/confirm?x=1`)),
        ],
        [
          'POST /reservations/{id}/reject',
          () => asAdmin(http().post(`/reservations/${held.id}/reject?x=1`)).send({}),
        ],
        ['POST /reservations/{id}/cancel', () => asUser(http().post(`/reservations/${held.id}/cancel?x=1`))],
        ['DELETE /reservations/{id}', () => asUser(http().delete(`/reservations/${held.id}?x=1`))],
        [
          'POST /reservations/bulk/confirm',
          () => asAdmin(http().post('/reservations/bulk/confirm?x=1')).send({ ids: [held.id] }),
        ],
        [
          'POST /reservations/bulk/reject',
          () => asAdmin(http().post('/reservations/bulk/reject?x=1')).send({ ids: [held.id] }),
        ],
        [
          'POST /reservations/admit',
          () => asAdmin(http().post('/reservations/admit?x=1')).send({ start: D, end: D }),
        ],
        [
          'POST /webhooks',
          () =>
            asAdmin(http().post('/webhooks?x=1')).send({
              url: 'https://hooks.example.com/x',
              events: ['reservation.confirmed'],
            }),
        ],
        ['GET /webhooks', () => asAdmin(http().get('/webhooks?x=1'))],
        ['DELETE /webhooks/{id}', () => asAdmin(http().delete('/webhooks/1?x=1'))],
      ];
      for (const [route, send] of requests) {
        const res = await send();
        expect(res.status, route).toBe(400);
        expect(res.body.errors, route).toEqual([{ path: 'x', message: 'unknown query parameter' }]);
      }
      const after = await http().get(`/reservations/${held.id}/history`).auth(user.token, { type: 'bearer' });
      expect(after.body).toHaveLength(1);
      const mine = await http().get('/reservations').auth(user.token, { type: 'bearer' });
      expect(mine.headers['x-total-count']).toBe('1');
      // An empty query string is no parameter.
      expect((await asUser(http().get(`/reservations/${held.id}?`))).status).toBe(200);
    });
  });
}
