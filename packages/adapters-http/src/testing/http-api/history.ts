import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** GET /reservations/{id}/history. */
export function describeHistory(makeStore: MakeStore): void {
  describe('GET /reservations/{id}/history', () => {
    const { http, app, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('lists every change oldest first, with actor, role, reason, before and after; no-ops record nothing', async () => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const D = bookableDay(54);
      const created = await bookOk(user.token, D);
      app().clock.advance(60_000);
      try {
        const updated = await http()
          .patch(`/reservations/${created.id}`)
          .auth(user.token, { type: 'bearer' })
          .send({ number_of_people: 120 });
        app().clock.advance(60_000);
        const confirmed = await http()
          .post(`/reservations/${created.id}/confirm`)
          .auth(admin.token, { type: 'bearer' });
        await http()
          .post(`/reservations/${created.id}/confirm`)
          .auth(admin.token, { type: 'bearer' })
          .expect(200);
        const cancelled = await http()
          .post(`/reservations/${created.id}/cancel`)
          .auth(admin.token, { type: 'bearer' });
        await http()
          .post(`/reservations/${created.id}/cancel`)
          .auth(user.token, { type: 'bearer' })
          .expect(200);
        for (const token of [user.token, admin.token]) {
          const res = await http().get(`/reservations/${created.id}/history`).auth(token, { type: 'bearer' });
          expect(res.status).toBe(200);
          expect(res.body).toEqual([
            {
              type: 'created',
              at: '2026-11-20T12:00:00+09:00',
              actor_id: user.id,
              actor_role: 'user',
              reason: null,
              before: null,
              after: created,
            },
            {
              type: 'updated',
              at: '2026-11-20T12:01:00+09:00',
              actor_id: user.id,
              actor_role: 'user',
              reason: null,
              before: created,
              after: updated.body,
            },
            {
              type: 'confirmed',
              at: '2026-11-20T12:02:00+09:00',
              actor_id: admin.id,
              actor_role: 'admin',
              reason: null,
              before: updated.body,
              after: confirmed.body,
            },
            {
              type: 'cancelled',
              at: '2026-11-20T12:02:00+09:00',
              actor_id: admin.id,
              actor_role: 'admin',
              reason: null,
              before: confirmed.body,
              after: cancelled.body,
            },
          ]);
        }
      } finally {
        app().clock.advance(-120_000);
      }
    });

    it('answers 404 to anyone but the owner and admins, and for an unknown id; 400 for a bad id', async () => {
      const user = await signUp();
      const stranger = await signUp();
      const { id } = await bookOk(user.token, bookableDay(54));
      const theirs = await http().get(`/reservations/${id}/history`).auth(stranger.token, { type: 'bearer' });
      expectProblem(theirs, 404, 'not_found');
      const missing = await http()
        .get('/reservations/2147483647/history')
        .auth(user.token, { type: 'bearer' });
      expect(missing.body).toEqual(theirs.body);
      expectFieldError(
        await http().get('/reservations/0/history').auth(user.token, { type: 'bearer' }),
        'id',
      );
      expectProblem(await http().get(`/reservations/${id}/history`), 401, 'unauthorized');
    });
  });
}
