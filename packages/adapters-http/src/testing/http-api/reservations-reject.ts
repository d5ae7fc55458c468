import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** POST /reservations/{id}/reject. */
export function describeReservationsReject(makeStore: MakeStore): void {
  describe('POST /reservations/{id}/reject', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

    it('rejects a pending reservation with a reason; repeating is a 200 no-op', async () => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, bookableDay(50));
      const res = await http()
        .post(`/reservations/${id}/reject`)
        .auth(admin.token, { type: 'bearer' })
        .send({ reason: 'the room is full' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, status: 'rejected', user_id: user.id });
      const again = await http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
      const history = await http().get(`/reservations/${id}/history`).auth(user.token, { type: 'bearer' });
      expect(history.body.map((e: { type: string; reason: string | null }) => [e.type, e.reason])).toEqual([
        ['created', null],
        ['rejected', 'the room is full'],
      ]);
    });

    it('is admin-only: 403 for the owner and for others, whether or not the id exists', async () => {
      const user = await signUp();
      const stranger = await signUp();
      const { id } = await bookOk(user.token, bookableDay(50));
      for (const token of [user.token, stranger.token]) {
        for (const target of [id, 2_147_483_647]) {
          expectProblem(
            await http().post(`/reservations/${target}/reject`).auth(token, { type: 'bearer' }).send({}),
            403,
            'forbidden',
          );
        }
        // 403 comes before the body is looked at.
        expectProblem(
          await http().post(`/reservations/${id}/reject`).auth(token, { type: 'bearer' }).send({ x: 1 }),
          403,
          'forbidden',
        );
      }
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.body.status).toBe('pending');
    });

    it('answers 409 invalid_state for a confirmed or cancelled reservation, 404 for an unknown id', async () => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const D = bookableDay(51);
      const confirmed = await bookOk(user.token, D);
      await http()
        .post(`/reservations/${confirmed.id}/confirm`)
        .auth(admin.token, { type: 'bearer' })
        .expect(200);
      const cancelled = await bookOk(user.token, D);
      await http().delete(`/reservations/${cancelled.id}`).auth(user.token, { type: 'bearer' }).expect(204);
      for (const { id } of [confirmed, cancelled]) {
        expectProblem(
          await http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' }),
          409,
          'invalid_state',
        );
      }
      expectProblem(
        await http().post('/reservations/2147483647/reject').auth(admin.token, { type: 'bearer' }),
        404,
        'not_found',
      );
    });

    it.each([
      ['reason', { reason: '' }],
      ['reason', { reason: 'x'.repeat(501) }],
      ['reason', { reason: 42 }],
      ['reason', { reason: 'nul \u0000 inside' }],
      ['note', { note: 'unknown field' }],
    ])('refuses a bad body (%s) with 400 and changes nothing', async (path, body) => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, bookableDay(52));
      expectFieldError(
        await http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' }).send(body),
        path,
      );
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.body.status).toBe('pending');
    });

    it('takes an absent body, {} and a reason of 500 characters', async () => {
      const user = await signUp();
      const admin = await signUpAdmin();
      const D = bookableDay(52);
      for (const body of [undefined, {}, { reason: '시'.repeat(500) }]) {
        const { id } = await bookOk(user.token, D);
        const req = http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' });
        const res = body === undefined ? await req : await req.send(body);
        expect(res.status).toBe(200);
        expect(res.body.status).toBe('rejected');
      }
    });

    it('a rejected reservation cannot be confirmed, cancelled or changed: 409 (404 for strangers)', async () => {
      const user = await signUp();
      const stranger = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, bookableDay(53));
      await http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' }).expect(200);
      const attempts = [
        [
          'confirm by admin',
          http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }),
        ],
        ['cancel by owner', http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' })],
        ['cancel by admin', http().post(`/reservations/${id}/cancel`).auth(admin.token, { type: 'bearer' })],
        ['delete by owner', http().delete(`/reservations/${id}`).auth(user.token, { type: 'bearer' })],
        [
          'patch by owner',
          http()
            .patch(`/reservations/${id}`)
            .auth(user.token, { type: 'bearer' })
            .send({ reservation_name: 'X' }),
        ],
        [
          'patch by admin',
          http()
            .patch(`/reservations/${id}`)
            .auth(admin.token, { type: 'bearer' })
            .send({ reservation_name: 'X' }),
        ],
      ] as const;
      for (const [label, attempt] of attempts) {
        const res = await attempt;
        expect(res.status, label).toBe(409);
        expect(res.body.code, label).toBe('invalid_state');
      }
      expectProblem(
        await http().post(`/reservations/${id}/cancel`).auth(stranger.token, { type: 'bearer' }),
        404,
        'not_found',
      );
      const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
      expect(after.body).toMatchObject({ status: 'rejected', reservation_name: 'TOEIC' });
    });
  });
}
