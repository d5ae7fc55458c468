import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** POST /reservations/{id}/cancel and DELETE /reservations/{id}. */
export function describeReservationsCancel(makeStore: MakeStore): void {
  describe('POST /reservations/{id}/cancel and DELETE /reservations/{id}', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('lets the owner cancel a pending one; repeating is a 200 no-op', async () => {
      const user = await signUp();
      const { id } = await bookOk(user.token, bookableDay(20));
      const res = await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      const again = await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
    });

    it('answers 409 invalid_state to a user cancelling a confirmed one; an admin frees its places', async () => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const D = bookableDay(21);
      const { id } = await bookOk(user.token, D, '10:00', '11:00', 50_000);
      await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      expectProblem(
        await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' }),
        409,
        'invalid_state',
      );
      expectProblem(
        await http().delete(`/reservations/${id}`).auth(user.token, { type: 'bearer' }),
        409,
        'invalid_state',
      );
      const cancelled = await http().post(`/reservations/${id}/cancel`).auth(admin.token, { type: 'bearer' });
      expect(cancelled.body.status).toBe('cancelled');
      const schedule = await http()
        .get('/reservations/schedules')
        .query({ start: D, end: D })
        .auth(user.token, { type: 'bearer' });
      expect(schedule.body).toEqual([
        {
          start: `${D}T00:00:00+09:00`,
          end: `${bookableDay(22)}T00:00:00+09:00`,
          available_capacity: 50_000,
        },
      ]);
    });

    it('keeps an optional reason in the history; a bad one is a 400 that cancels nothing', async () => {
      const user = await signUp();
      const { id } = await bookOk(user.token, bookableDay(54));
      for (const body of [{ reason: '' }, { reason: 'x'.repeat(501) }, { reason: 'ok', force: true }]) {
        expectProblem(
          await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' }).send(body),
          400,
          'validation_error',
        );
      }
      const pending = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(pending.body.status).toBe('pending');
      const res = await http()
        .post(`/reservations/${id}/cancel`)
        .auth(user.token, { type: 'bearer' })
        .send({ reason: 'plans changed' });
      expect(res.status).toBe(200);
      const history = await http().get(`/reservations/${id}/history`).auth(user.token, { type: 'bearer' });
      expect(history.body.at(-1)).toMatchObject({ type: 'cancelled', reason: 'plans changed' });
    });

    it('DELETE answers 204 and keeps the row as cancelled', async () => {
      const user = await signUp();
      const { id } = await bookOk(user.token, bookableDay(23));
      const res = await http().delete(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.status).toBe(200);
      expect(after.body.status).toBe('cancelled');
      expect((await http().delete(`/reservations/${id}`).auth(user.token, { type: 'bearer' })).status).toBe(
        204,
      );
    });

    it('refuses unknown fields in a cancel or DELETE body with 400 and cancels nothing', async () => {
      const user = await signUp();
      const { id } = await bookOk(user.token, bookableDay(53));
      const auth = { type: 'bearer' } as const;
      expectFieldError(
        await http().post(`/reservations/${id}/cancel`).auth(user.token, auth).send({ force: true }),
        'force',
      );
      expectFieldError(
        await http().delete(`/reservations/${id}`).auth(user.token, auth).send({ hard: true }),
        'hard',
      );
      const after = await http().get(`/reservations/${id}`).auth(user.token, auth);
      expect(after.body.status).toBe('pending');
    });

    it('answers 404 to someone else cancelling', async () => {
      const user = await signUp();
      const stranger = await signUp();
      const { id } = await bookOk(user.token, bookableDay(24));
      expectProblem(
        await http().post(`/reservations/${id}/cancel`).auth(stranger.token, { type: 'bearer' }),
        404,
        'not_found',
      );
      expectProblem(
        await http().delete(`/reservations/${id}`).auth(stranger.token, { type: 'bearer' }),
        404,
        'not_found',
      );
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.body.status).toBe('pending');
    });
  });
}
