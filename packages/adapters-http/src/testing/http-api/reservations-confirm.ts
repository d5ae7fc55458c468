import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** POST /reservations/{id}/confirm. */
export function describeReservationsConfirm(makeStore: MakeStore): void {
  describe('POST /reservations/{id}/confirm', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('answers a user 403 whether or not the id exists (no existence probe)', async () => {
      const user = await signUp();
      for (const id of [2_147_483_647, 999_999]) {
        expectProblem(
          await http().post(`/reservations/${id}/confirm`).auth(user.token, { type: 'bearer' }),
          403,
          'forbidden',
        );
      }
    });

    it('refuses unknown fields in its body, and any body that is not a JSON object, with 400', async () => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, bookableDay(52));
      const confirm = () => http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' });
      expectFieldError(await confirm().send({ force: true }), 'force');
      for (const body of ['[]', '"yes"', 'null', '1']) {
        expectProblem(
          await confirm().set('Content-Type', 'application/json').send(body),
          400,
          'validation_error',
        );
      }
      expectProblem(
        await confirm().set('Content-Type', 'text/plain').send('force=true'),
        400,
        'validation_error',
      );
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.body.status).toBe('pending');
      expect((await confirm().send({})).status).toBe(200);
    });

    it('is admin-only: 403 for users', async () => {
      const user = await signUp();
      const { id } = await bookOk(user.token, bookableDay(17));
      expectProblem(
        await http().post(`/reservations/${id}/confirm`).auth(user.token, { type: 'bearer' }),
        403,
        'forbidden',
      );
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.body.status).toBe('pending');
    });

    it('confirms, is a no-op when repeated, and 409 invalid_state for a cancelled one', async () => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const D = bookableDay(18);
      const { id } = await bookOk(user.token, D, '10:00', '11:00', 30_000);
      const first = await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' });
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('confirmed');
      const again = await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const schedule = await http()
        .get('/reservations/schedules')
        .query({ start: D, end: D })
        .auth(user.token, { type: 'bearer' });
      expect(schedule.body[1]).toMatchObject({ available_capacity: 20_000 });

      const other = await bookOk(user.token, D, '13:00', '14:00');
      await http().delete(`/reservations/${other.id}`).auth(user.token, { type: 'bearer' }).expect(204);
      expectProblem(
        await http().post(`/reservations/${other.id}/confirm`).auth(admin.token, { type: 'bearer' }),
        409,
        'invalid_state',
      );
      expectProblem(
        await http().post('/reservations/2147483647/confirm').auth(admin.token, { type: 'bearer' }),
        404,
        'not_found',
      );
    });

    it('answers 409 capacity_exceeded and leaves the reservation pending', async () => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const D = bookableDay(19);
      const a = await bookOk(user.token, D, '10:00', '11:00', 30_000);
      const b = await bookOk(user.token, D, '10:30', '11:30', 30_000);
      await http().post(`/reservations/${a.id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      const res = await http().post(`/reservations/${b.id}/confirm`).auth(admin.token, { type: 'bearer' });
      expectProblem(res, 409, 'capacity_exceeded');
      const after = await http().get(`/reservations/${b.id}`).auth(user.token, { type: 'bearer' });
      expect(after.body.status).toBe('pending');
    });
  });
}
