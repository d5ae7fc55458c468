import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** POST /reservations/admit. */
export function describeAdmission(makeStore: MakeStore): void {
  describe('POST /reservations/admit', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('confirms the pending ones of the range in creation order while they fit; the rest stay pending', async () => {
      const alice = await signUp();
      const bob = await signUp();
      const admin = await signUpAdmin();
      const D = bookableDay(58);
      const a = await bookOk(alice.token, D, '10:00', '11:00', 30_000);
      const b = await bookOk(bob.token, D, '10:30', '11:30', 30_000);
      const c = await bookOk(bob.token, D, '10:00', '10:30', 20_000);
      const nextDay = await bookOk(alice.token, bookableDay(59), '10:00', '11:00', 30_000);
      const res = await http()
        .post('/reservations/admit')
        .auth(admin.token, { type: 'bearer' })
        .send({ start: D, end: D });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ confirmed: 2, rejected: 0, left_pending: 1, complete: true });
      const status = async (id: number) =>
        (await http().get(`/reservations/${id}`).auth(admin.token, { type: 'bearer' })).body.status;
      expect([await status(a.id), await status(b.id), await status(c.id), await status(nextDay.id)]).toEqual([
        'confirmed',
        'pending',
        'confirmed',
        'pending',
      ]);
      const rejectRest = await http()
        .post('/reservations/admit')
        .auth(admin.token, { type: 'bearer' })
        .send({ start: D, end: D, reject_rest: true });
      expect(rejectRest.body).toEqual({ confirmed: 0, rejected: 1, left_pending: 0, complete: true });
      const history = await http().get(`/reservations/${b.id}/history`).auth(bob.token, { type: 'bearer' });
      expect(history.body.at(-1)).toMatchObject({
        type: 'rejected',
        reason: 'no capacity left',
        actor_id: admin.id,
        actor_role: 'admin',
      });
    });

    it('is admin-only: 403 for users, whatever the body', async () => {
      const user = await signUp();
      const D = bookableDay(60);
      const { id } = await bookOk(user.token, D);
      for (const body of [{ start: D, end: D }, { bogus: 1 }]) {
        expectProblem(
          await http().post('/reservations/admit').auth(user.token, { type: 'bearer' }).send(body),
          403,
          'forbidden',
        );
      }
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.body.status).toBe('pending');
    });

    it.each([
      ['end', { start: '2026-12-01' }],
      ['end', { start: '2026-12-02', end: '2026-12-01' }],
      ['start', { start: '2026-02-30', end: '2026-03-01' }],
      ['end', { start: '2026-01-01', end: '2027-01-02' }],
      ['reject_rest', { start: '2026-12-01', end: '2026-12-01', reject_rest: 'yes' }],
      ['order', { start: '2026-12-01', end: '2026-12-01', order: 'desc' }],
    ])('refuses a bad body (%s) with 400', async (path, body) => {
      const admin = await signUpAdmin();
      expectFieldError(
        await http().post('/reservations/admit').auth(admin.token, { type: 'bearer' }).send(body),
        path,
      );
    });
  });
}
