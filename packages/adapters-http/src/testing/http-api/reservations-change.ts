import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** PATCH /reservations/{id}. */
export function describeReservationsChange(makeStore: MakeStore): void {
  describe('PATCH /reservations/{id}', () => {
    const { http, app, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('lets the owner change a pending reservation', async () => {
      const user = await signUp();
      const D = bookableDay(12);
      const { id } = await bookOk(user.token, D);
      app().clock.advance(60_000);
      try {
        const res = await http()
          .patch(`/reservations/${id}`)
          .auth(user.token, { type: 'bearer' })
          .send({ reservation_name: 'Renamed', end: `${D} 12:00` });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          id,
          reservation_name: 'Renamed',
          start_time: `${D}T10:00:00+09:00`,
          end_time: `${D}T12:00:00+09:00`,
          status: 'pending',
          updated_at: '2026-11-20T12:01:00+09:00',
        });
      } finally {
        app().clock.advance(-60_000);
      }
    });

    const patchDay = bookableDay(30);
    it.each([
      ['', {}],
      ['status', { status: 'confirmed' }],
      ['start', { start: `${patchDay} 10:01` }],
      ['end', { end: `${patchDay} 09:00` }],
      ['number_of_people', { number_of_people: -1 }],
      ['reservation_name', { reservation_name: null }],
    ])('refuses a bad change (%s) with 400 and changes nothing', async (path, patch) => {
      const user = await signUp();
      const { id } = await bookOk(user.token, patchDay);
      const res = await http().patch(`/reservations/${id}`).auth(user.token, { type: 'bearer' }).send(patch);
      expectFieldError(res, path);
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.body).toMatchObject({
        reservation_name: 'TOEIC',
        start_time: `${patchDay}T10:00:00+09:00`,
        end_time: `${patchDay}T11:00:00+09:00`,
        number_of_people: 100,
      });
    });

    it('answers 409 invalid_state to a user changing a confirmed reservation; admins may', async () => {
      const D = bookableDay(13);
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, D, '10:00', '11:00', 50_000);
      await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      const refused = await http()
        .patch(`/reservations/${id}`)
        .auth(user.token, { type: 'bearer' })
        .send({ reservation_name: 'X' });
      expectProblem(refused, 409, 'invalid_state');
      // Its own 50,000 in 10:30–11:00 do not count against the moved booking.
      const moved = await http()
        .patch(`/reservations/${id}`)
        .auth(admin.token, { type: 'bearer' })
        .send({ start: `${D} 10:30`, end: `${D} 11:30` });
      expect(moved.status).toBe(200);
      expect(moved.body.status).toBe('confirmed');
      const schedule = await http()
        .get('/reservations/schedules')
        .query({ start: D, end: D })
        .auth(user.token, { type: 'bearer' });
      expect(schedule.body).toEqual([
        { start: `${D}T00:00:00+09:00`, end: `${D}T10:30:00+09:00`, available_capacity: 50_000 },
        {
          start: `${D}T11:30:00+09:00`,
          end: `${bookableDay(14)}T00:00:00+09:00`,
          available_capacity: 50_000,
        },
      ]);
    });

    it('answers 409 capacity_exceeded when the change would overfill a slot', async () => {
      const D = bookableDay(15);
      const user = await signUp();
      const admin = await signUpAdmin();
      const full = await bookOk(user.token, D, '10:00', '11:00', 50_000);
      await http().post(`/reservations/${full.id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      const { id } = await bookOk(user.token, D, '11:00', '12:00', 10);
      const res = await http()
        .patch(`/reservations/${id}`)
        .auth(user.token, { type: 'bearer' })
        .send({ start: `${D} 10:50` });
      expectProblem(res, 409, 'capacity_exceeded');
    });

    it('answers 409 invalid_state to an admin changing a cancelled reservation, 404 to strangers', async () => {
      const user = await signUp();
      const stranger = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, bookableDay(16));
      const theirs = await http()
        .patch(`/reservations/${id}`)
        .auth(stranger.token, { type: 'bearer' })
        .send({ reservation_name: 'Mine now' });
      expectProblem(theirs, 404, 'not_found');
      await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' }).expect(200);
      const res = await http()
        .patch(`/reservations/${id}`)
        .auth(admin.token, { type: 'bearer' })
        .send({ reservation_name: 'Back' });
      expectProblem(res, 409, 'invalid_state');
    });
  });
}
